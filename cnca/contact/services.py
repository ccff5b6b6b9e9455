"""Receiving a message from the contact form: store it, tell the staff, acknowledge it.

The acknowledgement goes to whatever address was typed, so it carries nothing the
visitor wrote (no name, no message): the form cannot be used to send someone else
a text of one's choosing from the alliance's address.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cnca.notifications.services import queue_email
from cnca.ratelimit import count_action

from .models import ContactMessage

logger = logging.getLogger(__name__)


class TooManyMessages(Exception):
    """The sender's address or network sent more messages than the limit allows."""


def check_rate(*, email, ip):
    """Count this attempt; raise TooManyMessages over the limit per address or per IP.

    When the cache is down the per-IP count is unknown and the per-address
    count is read from the stored messages instead, so the limit still holds
    for an address.
    """
    window = settings.CONTACT_RATE_WINDOW
    by_address = count_action(
        "contact-email", email.lower(), limit=settings.CONTACT_RATE_PER_ADDRESS, window=window
    )
    by_ip = count_action(
        "contact-ip", ip or "unknown", limit=settings.CONTACT_RATE_PER_IP, window=window
    )
    if by_address is None:
        since = timezone.now() - timedelta(seconds=window)
        recent = ContactMessage.objects.filter(email__iexact=email, received_at__gte=since).count()
        by_address = recent < settings.CONTACT_RATE_PER_ADDRESS
    if by_address is False or by_ip is False:
        raise TooManyMessages


def staff_recipients():
    """Where messages go: CONTACT_RECIPIENTS, else the alliance staff (active superusers)."""
    if settings.CONTACT_RECIPIENTS:
        return list(settings.CONTACT_RECIPIENTS)
    return list(
        get_user_model()
        .objects.filter(is_superuser=True, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )


@transaction.atomic
def receive_message(*, name, email, topic, message):
    """Store the message and queue the staff's email and the acknowledgement."""
    contact = ContactMessage.objects.create(name=name, email=email, topic=topic, message=message)
    context = {"contact": contact, "topic": contact.get_topic_display()}
    recipients = staff_recipients()
    if recipients:
        queue_email(
            key=f"contact:message={contact.pk}:staff",
            to=recipients,
            template="contact/email/to_staff",
            context={
                **context,
                "reason": "You get this email because you are on the staff of the "
                "Carbon Neutral Cities Alliance and a visitor wrote through the contact form.",
            },
            related=contact,
        )
    else:
        logger.warning(
            "Contact message %s stored, but no staff address is set (CONTACT_RECIPIENTS).",
            contact.pk,
        )
    queue_email(
        key=f"contact:message={contact.pk}:copy",
        to=email,
        template="contact/email/copy",
        context={
            **context,
            "reason": "You get this email because you sent a message to the Carbon Neutral "
            "Cities Alliance through its website. If that was not you, ignore it.",
        },
        related=contact,
    )
    return contact
