"""The outbox: every email the portal sends is a row here first.

A row is written in the same transaction as the change it announces, so an
email exists if and only if that change committed. The row's state is the
truth about delivery; Celery messages only say "look at row 42 now".

    queued --claim--> sending --SMTP 250--> sent
       ^                 |
       |  transient      +--permanent error or tries used up--> failed
       +--error----------+
    queued --admin--> cancelled          failed --admin retry--> queued

See docs/email-delivery.md for the guarantees.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class OutboundEmail(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    key = models.CharField(
        "idempotency key",
        max_length=255,
        unique=True,
        help_text="Names the email's purpose and recipient; one key is sent at most once.",
    )
    to = models.TextField(help_text="Recipients, comma separated.")
    subject = models.CharField(max_length=300)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    template = models.CharField(max_length=200, blank=True)
    message_id = models.CharField(
        "Message-ID",
        max_length=255,
        unique=True,
        help_text="Sent in the Message-ID header; the same on every try, so the mail "
        "server's logs and the recipient's client can tell a repeat.",
    )

    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Tries so far.")
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(
        default=timezone.now, help_text="A queued row is not sent before this time."
    )
    sending_since = models.DateTimeField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    # What the email is about, if anything (any app's object: the outbox knows none).
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    related = GenericForeignKey("content_type", "object_id")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outbound email"
        verbose_name_plural = "outbox"
        indexes = [
            # The relay's query: queued rows that are due, oldest first.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state="queued"),
                name="outbox_queued_due_idx",
            ),
            # The sweep's query: rows left in `sending`.
            models.Index(
                fields=["sending_since"],
                condition=models.Q(state="sending"),
                name="outbox_sending_since_idx",
            ),
            # The admin's list, filtered by state, newest first.
            models.Index(fields=["state", "-created_at"], name="outbox_state_created_idx"),
            models.Index(fields=["content_type", "object_id"], name="outbox_related_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["queued", "sending", "sent", "failed", "cancelled"]),
                name="outbox_state_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="sent") | models.Q(sent_at__isnull=False),
                name="outbox_sent_has_sent_at",
            ),
        ]

    def __str__(self):
        return f"{self.subject} -> {self.to}"

    @property
    def recipients(self):
        return [address.strip() for address in self.to.split(",") if address.strip()]
