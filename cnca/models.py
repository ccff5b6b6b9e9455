"""Model pieces shared by the apps. Abstract only: the cnca app has no tables."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cnca.servicekit import require_transaction


class StatusChangeBase(models.Model):
    """One move of a status machine: who, from what, to what, when, why.

    Apps subclass it with a foreign key to their subject, e.g.::

        class StatusChange(StatusChangeBase):
            proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE,
                                         related_name="status_changes")

    and write one in the same transaction as the move (``transition`` in
    ``cnca.servicekit``, then ``StatusChange.record(...)``).

    ``actor`` is null when the system moved it (a deadline, a task). It is
    PROTECTed rather than SET_NULL: an entry that silently turned into "the
    system did it" when a user was deleted would make the audit lie. Accounts
    that acted are deactivated, not deleted; deleting one is refused with the
    list of entries that name it.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who made the change; empty when the system did.",
    )
    from_status = models.CharField(max_length=32)
    to_status = models.CharField(max_length=32)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    note = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        who = self.actor or "system"
        return f"{self.from_status} -> {self.to_status} by {who} at {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(cls, *, actor, from_status, to_status, note="", **subject):
        """Write one entry; ``subject`` is the subclass's foreign key(s), e.g. ``proposal=p``.

        ``actor`` may be None (the system) or an anonymous user, stored as None.
        Must run in the transaction of the move it records.
        """
        require_transaction(cls.objects.db)
        if actor is not None and not getattr(actor, "is_authenticated", False):
            actor = None
        return cls.objects.create(
            actor=actor, from_status=from_status, to_status=to_status, note=note, **subject
        )
