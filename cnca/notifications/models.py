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
    to = models.JSONField(default=list, help_text="The recipients' addresses, a list.")
    results = models.JSONField(
        "results per recipient",
        default=dict,
        blank=True,
        help_text="The mail server's reply for each recipient, once it replied: "
        "a server may accept some recipients and refuse others.",
    )
    sensitive = models.BooleanField(
        default=False,
        help_text="Carries a secret (a password-reset link): the body is never shown in "
        "the admin and is erased once the email is sent.",
    )
    headers = models.JSONField(
        default=dict,
        blank=True,
        help_text="Extra headers of the message, e.g. List-Unsubscribe.",
    )
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
    claim_token = models.UUIDField(
        null=True,
        blank=True,
        editable=False,
        help_text="Set by each claim; a sender checks it is still its own before each send.",
    )

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

    REDACTED = "[Erased once sent: this email carried a secret.]"

    def __str__(self):
        return f"{self.subject} -> {self.to_display}"

    @property
    def recipients(self):
        return list(self.to)

    @property
    def to_display(self):
        return ", ".join(self.to)

    @property
    def refused(self):
        """The recipients the server refused, with its reply: ``{address: reply}``."""
        return {
            address: reply
            for address, reply in self.results.items()
            if not str(reply).startswith("2")
        }
