"""Every change of state of the news: publishing, images, subscriptions, mailings.

Views and the admin call these; none of them sends mail or moves a status by
itself. Emails go through the outbox (`queue_email`), keyed so that nothing
is ever sent twice: one announcement per item and subscriber, whatever is
saved, republished or retried.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from cnca.notifications import queue_email
from cnca.servicekit import publish, publish_on_commit, require_transaction, transition

from .models import NewsItem, StatusChange, Subscriber

logger = logging.getLogger(__name__)

Status = NewsItem.Status

CONFIRM_SALT = "news.subscription.confirm"
# Confirmed subscribers mailed per transaction: a mailing of 50,000 is 500
# short transactions, never one long one, and each resumes where the last ended.
MAIL_BATCH = 100
# A mailing claimed this long ago and not finished lost its worker: run it again.
MAILING_LEASE = timedelta(minutes=15)


# --- Publishing ------------------------------------------------------------------


def save_item(item, *, actor, image_changed=False, previous_status=None):
    """Save ``item`` as edited in the admin, and start what follows from it.

    A published item without a time is public from now. The author is the
    first person who saves it. When the image changed, its renditions are
    remade after the commit; when the item is public and not yet mailed, the
    mailing starts after the commit. Writes a status change when the status moved.
    """
    require_transaction()
    if item.status == Status.PUBLISHED and item.publish_at is None:
        item.publish_at = timezone.now()
    if item.author_id is None and actor is not None and actor.is_authenticated:
        item.author = actor
    if image_changed:
        item.image_renditions = []
    item.save()
    if previous_status is not None and previous_status != item.status:
        StatusChange.record(
            actor=actor, from_status=previous_status, to_status=item.status, item=item
        )
    if image_changed and item.image:
        _after_commit_make_renditions(item)
    _after_commit_mail_if_due(item)
    return item


def publish_now(item, *, actor):
    """Make a draft or scheduled item public from this second, and mail it."""
    require_transaction()
    now = timezone.now()
    publish_at = item.publish_at if item.publish_at and item.publish_at <= now else now
    previous = transition(
        item,
        to=Status.PUBLISHED,
        allowed_from=[Status.DRAFT, Status.SCHEDULED],
        publish_at=publish_at,
    )
    StatusChange.record(actor=actor, from_status=previous, to_status=Status.PUBLISHED, item=item)
    _after_commit_mail_if_due(item)
    return item


def unpublish(item, *, actor):
    """Take a scheduled or published item back to draft: off every public page at once.

    Subscribers already mailed are not mailed again if it is published later.
    """
    require_transaction()
    previous = transition(item, to=Status.DRAFT, allowed_from=[Status.SCHEDULED, Status.PUBLISHED])
    StatusChange.record(actor=actor, from_status=previous, to_status=Status.DRAFT, item=item)
    return item


def _after_commit_make_renditions(item):
    from .tasks import make_image_renditions

    publish_on_commit(make_image_renditions, item.pk)


def _after_commit_mail_if_due(item):
    """Start the mailing after the commit if the item is public and not mailed yet.

    A broker that is down loses nothing: beat's start_due_mailings finds the item.
    """
    if item.email_subscribers and item.mailed_at is None and item.is_public():
        from .tasks import mail_news_item

        publish_on_commit(mail_news_item, item.pk)


def make_renditions(pk):
    """Make the renditions of item ``pk``'s image (in a task): smaller WebP and JPEG copies."""
    from django.core.files.storage import default_storage

    from cnca.images import make_renditions as render

    item = NewsItem.objects.filter(pk=pk).only("image", "image_renditions").first()
    if item is None or not item.image:
        return []
    renditions = render(item.image, default_storage, "news/renditions")
    # Only if the image is still the one rendered: an editor may have replaced it meanwhile.
    updated = NewsItem.objects.filter(pk=pk, image=item.image.name).update(
        image_renditions=renditions
    )
    if not updated:
        for rendition in renditions:
            default_storage.delete(rendition["name"])
        return []
    return renditions


# --- Mailing subscribers -------------------------------------------------------------


def items_due_for_mailing(now=None):
    """Public items to be mailed whose mailing has not finished and is not running."""
    now = now or timezone.now()
    return NewsItem.objects.public(now).filter(
        Q(mailing_started_at__isnull=True) | Q(mailing_started_at__lt=now - MAILING_LEASE),
        email_subscribers=True,
        mailed_at__isnull=True,
    )


def start_due_mailings(now=None):
    """Beat, every minute: mark scheduled items whose time came as published, start mailings.

    Returns the ids of the items whose mailing was started.
    """
    from .tasks import mail_news_item

    now = now or timezone.now()
    with transaction.atomic():
        for item in NewsItem.objects.filter(status=Status.SCHEDULED, publish_at__lte=now):
            transition(item, to=Status.PUBLISHED, allowed_from=[Status.SCHEDULED])
            StatusChange.record(
                actor=None,
                from_status=Status.SCHEDULED,
                to_status=Status.PUBLISHED,
                note="Its publishing time came.",
                item=item,
            )
    started = list(items_due_for_mailing(now).values_list("pk", flat=True)[:50])
    for pk in started:
        publish(mail_news_item, pk)
    return started


def mail_item(pk, *, batch=MAIL_BATCH):
    """Queue item ``pk``'s announcement for every confirmed subscriber (in a task).

    Claims the item first (one conditional UPDATE), so two runs never mail it
    at once; then queues ``batch`` emails per transaction, in subscriber order.
    A run that dies part-way is claimed again after MAILING_LEASE and resumes:
    the outbox keys (item and subscriber) skip whoever already has theirs.
    Returns the number of emails queued by this run, or None if there was
    nothing to do (not public, not to be mailed, done, or running elsewhere).
    """
    now = timezone.now()
    claimed = (
        items_due_for_mailing(now).filter(pk=pk).update(mailing_started_at=now, updated_at=now)
    )
    if not claimed:
        return None
    item = NewsItem.objects.get(pk=pk)
    queued = 0
    after = 0
    while True:
        with transaction.atomic():
            # Re-check inside each batch: an item unpublished meanwhile stops mailing.
            if not NewsItem.objects.public().filter(pk=pk).exists():
                NewsItem.objects.filter(pk=pk).update(mailing_started_at=None)
                return queued
            subscribers = list(
                Subscriber.objects.filter(confirmed_at__isnull=False, pk__gt=after).order_by("pk")[
                    :batch
                ]
            )
            for subscriber in subscribers:
                queue_announcement(item, subscriber)
            queued += len(subscribers)
        if len(subscribers) < batch:
            break
        after = subscribers[-1].pk
    NewsItem.objects.filter(pk=pk).update(mailed_at=timezone.now())
    logger.info("News item %s: announcement queued for %s subscribers.", pk, queued)
    return queued


def queue_announcement(item, subscriber):
    """One subscriber's email about one item (once, ever: the key says so)."""
    unsubscribe_url = settings.SITE_URL + reverse("news:unsubscribe", args=[subscriber.token])
    return queue_email(
        key=f"news-item:{item.pk}:subscriber:{subscriber.pk}",
        to=subscriber.email,
        template="news/email/announcement",
        context={
            "item": item,
            "item_url": settings.SITE_URL + item.get_absolute_url(),
            "unsubscribe_url": unsubscribe_url,
            "reason": "You subscribed to the news of the Carbon Neutral Cities Alliance.",
        },
        related=item,
        headers=unsubscribe_headers(unsubscribe_url),
    )


def unsubscribe_headers(unsubscribe_url):
    """RFC 2369 and RFC 8058 headers: mail clients offer a one-click unsubscribe button."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


# --- Subscriptions ---------------------------------------------------------------------


def request_subscription(email):
    """Ask ``email`` to confirm its subscription (double opt-in).

    Nothing is revealed about whether the address is already subscribed: the
    visitor sees the same page either way. An unconfirmed address gets a
    confirmation link, at most one an hour however often the form is sent; a
    confirmed one gets nothing new.
    """
    require_transaction()
    email = email.strip()
    subscriber = Subscriber.objects.filter(email__iexact=email).first()
    if subscriber is None:
        subscriber = Subscriber.objects.create(email=email)
    if subscriber.is_confirmed:
        return subscriber
    now = timezone.now()
    hour = now.strftime("%Y%m%d%H")
    confirm_url = settings.SITE_URL + reverse("news:confirm", args=[confirmation_token(subscriber)])
    queue_email(
        key=f"news-subscribe:{subscriber.pk}:{hour}",
        to=subscriber.email,
        template="news/email/confirm",
        context={
            "confirm_url": confirm_url,
            "valid_days": settings.NEWS_CONFIRMATION_DAYS,
            "reason": "Somebody, probably you, asked for the alliance's news at this address.",
        },
        related=subscriber,
        sensitive=True,
    )
    Subscriber.objects.filter(pk=subscriber.pk).update(confirmation_sent_at=now)
    return subscriber


def confirmation_token(subscriber):
    """A signed, expiring token naming the subscriber and the address it confirms."""
    return signing.dumps({"id": subscriber.pk, "email": subscriber.email}, salt=CONFIRM_SALT)


class ConfirmationError(Exception):
    """The confirmation link is expired or not one of ours."""


def confirm_subscription(token):
    """Confirm the subscription a confirmation token names; returns the subscriber.

    Raises ConfirmationError when the link is expired, altered or its
    subscriber gone. Confirming twice is harmless.
    """
    require_transaction()
    try:
        data = signing.loads(
            token, salt=CONFIRM_SALT, max_age=timedelta(days=settings.NEWS_CONFIRMATION_DAYS)
        )
    except signing.SignatureExpired:
        raise ConfirmationError("expired") from None
    except signing.BadSignature:
        raise ConfirmationError("invalid") from None
    subscriber = (
        Subscriber.objects.select_for_update()
        .filter(pk=data.get("id"), email__iexact=data.get("email", ""))
        .first()
    )
    if subscriber is None:
        raise ConfirmationError("invalid")
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
    return subscriber


def forget_unconfirmed_subscribers(now=None):
    """Delete the addresses that never confirmed and whose last confirmation link has
    expired: nothing can confirm them any more, and an address nobody confirmed is
    not ours to keep. Returns how many were deleted."""
    now = now or timezone.now()
    expired = now - timedelta(days=settings.NEWS_CONFIRMATION_DAYS)
    deleted, _ = (
        Subscriber.objects.filter(confirmed_at__isnull=True)
        .alias(last_link=Coalesce("confirmation_sent_at", "created_at"))
        .filter(last_link__lt=expired)
        .delete()
    )
    return deleted


def unsubscribe(token):
    """Forget the subscriber whose unsubscribe token this is. True if one was found."""
    require_transaction()
    deleted, _ = Subscriber.objects.filter(token=token).delete()
    return bool(deleted)
