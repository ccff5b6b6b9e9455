"""Deadline reminders: who is reminded of which deadline, and when.

Each round has reminder offsets in days (e.g. 14, 3 and 1). At each offset
before a stage's deadline:

- letter of intent: the staff of each city with an unsubmitted draft get
  "your letter of intent is not submitted yet"; the lead contacts of member
  cities with no proposal (a withdrawn one does not count) get "the call
  closes in N days";
- full proposal: the staff of each finalist city whose full proposal is not
  submitted get "your full proposal is not submitted yet".

The rules that make the job safe to run often, twice, or late:

- Every email's outbox key is (round, stage, offset, recipient): the outbox
  keeps one row per key, so a second run, or two runs at once (beat and
  cron), queue nothing new.
- An offset is due from ``deadline - offset`` days (on the round's wall clock)
  until the deadline. A run sends
  only the latest offset due (the smallest), never the earlier ones it missed:
  after an outage a city gets one reminder, saying how much time is really
  left, not a burst of three.
- Nothing is queued at or after the deadline, and reminders of a passed
  deadline still waiting in the outbox (a mail server that was down) are
  cancelled, so none arrives late.

Beat runs :func:`send_due_reminders` every ``FUND_REMINDERS_EVERY`` seconds;
``manage.py send_due_reminders`` does the same for cron.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cnca.notifications.models import OutboundEmail
from cnca.notifications.services import cancel, queue_email
from members.models import CityMembership, MemberCity

from .models import FundRound, Proposal, Stage

logger = logging.getLogger(__name__)

Status = Proposal.Status
KEY_PREFIX = "fund-reminder"
# Reminders of a deadline that passed longer ago than this are long sent or
# long failed; the cancelling sweep looks no further back.
CANCEL_WINDOW = timedelta(days=7)
# Offsets are at most 90 days (models.validate_reminder_offsets).
LOOKAHEAD = timedelta(days=90)


class Kind:
    LOI_DRAFT = "loi_draft"
    CALL_CLOSING = "call_closing"
    FULL_NOT_SUBMITTED = "full_not_submitted"


TEMPLATES = {
    Kind.LOI_DRAFT: "innovation_fund/email/reminder_loi_draft",
    Kind.CALL_CLOSING: "innovation_fund/email/reminder_call_closing",
    Kind.FULL_NOT_SUBMITTED: "innovation_fund/email/reminder_full",
}


@dataclass
class Reminder:
    """One email to one person about one deadline."""

    fund_round: FundRound
    stage: str
    offset: int
    kind: str
    user: object
    city: MemberCity
    proposals: list = field(default_factory=list)

    @property
    def key(self):
        return reminder_key(self.fund_round, self.stage, self.offset, self.user.pk)


@dataclass
class Outcome:
    queued: int = 0
    already_queued: int = 0
    cancelled: int = 0

    def __str__(self):
        return (
            f"{self.queued} reminder(s) queued, {self.already_queued} already sent or queued, "
            f"{self.cancelled} cancelled after their deadline"
        )


def reminder_key(fund_round, stage, offset, user_id):
    return f"{KEY_PREFIX}:round={fund_round.pk}:stage={stage}:offset={offset}:user={user_id}"


def due_offset(fund_round, stage, now):
    """The offset (days) whose reminders are due for ``stage`` at ``now``, or None.

    The smallest offset whose moment has come, while the stage is open: a run
    after an outage sends the latest reminder only.
    """
    if not fund_round.stage_open_at(stage, now):
        return None
    due = [
        days
        for days in fund_round.reminder_offsets
        if reminder_moment(fund_round, stage, days) <= now
    ]
    return min(due) if due else None


def reminder_moment(fund_round, stage, days):
    """When the reminder ``days`` before the stage's deadline is due.

    Counted in the round's time zone, on the wall clock: 14 days before 17:00
    on 15 March is 17:00 on 1 March there, even across a daylight-saving change.
    """
    local = timezone.localtime(fund_round.deadline_for(stage), fund_round.zone)
    return local - timedelta(days=days)


def due_reminders(now=None):
    """Every reminder due at ``now`` (sent or not): a list of Reminder."""
    now = now or timezone.now()
    rounds = FundRound.objects.filter(is_historical=False).filter(
        Q(loi_deadline__gt=now, loi_deadline__lte=now + LOOKAHEAD)
        | Q(full_proposal_deadline__gt=now, full_proposal_deadline__lte=now + LOOKAHEAD)
    )
    reminders = []
    for fund_round in rounds:
        for stage in (Stage.LOI, Stage.FULL):
            offset = due_offset(fund_round, stage, now)
            if offset is not None:
                reminders += _reminders_for(fund_round, stage, offset)
    return reminders


def _reminders_for(fund_round, stage, offset):
    proposals = Proposal.objects.filter(round=fund_round).select_related("lead_city")
    waiting_status = Status.DRAFT if stage == Stage.LOI else Status.FINALIST
    kind = Kind.LOI_DRAFT if stage == Stage.LOI else Kind.FULL_NOT_SUBMITTED
    waiting = defaultdict(list)  # city id -> its proposals not submitted yet
    for proposal in proposals.filter(status=waiting_status).order_by("title", "pk"):
        waiting[proposal.lead_city_id].append(proposal)

    reminders = [
        Reminder(
            fund_round, stage, offset, kind, membership.user, membership.city, waiting[city_id]
        )
        for city_id, membership in _memberships(Q(city_id__in=waiting))
    ]
    if stage == Stage.LOI:
        applying = proposals.exclude(status=Status.WITHDRAWN).values("lead_city_id")
        reminders += [
            Reminder(fund_round, stage, offset, Kind.CALL_CLOSING, membership.user, membership.city)
            for _, membership in _memberships(
                Q(role=CityMembership.Role.LEAD_CONTACT, city__status=MemberCity.Status.MEMBER)
                & ~Q(city_id__in=applying)
            )
        ]
    return reminders


def _memberships(condition):
    memberships = (
        CityMembership.objects.filter(condition, user__is_active=True)
        .select_related("user", "city")
        .order_by("city__name", "user__email")
    )
    return [(membership.city_id, membership) for membership in memberships]


def send_due_reminders(now=None):
    """Queue every due reminder not queued before; cancel those of passed deadlines.

    Safe to run at any time, as often as wanted, in several processes at once.
    Returns an Outcome.
    """
    now = now or timezone.now()
    outcome = Outcome(cancelled=cancel_passed_reminders(now))
    reminders = due_reminders(now)
    known = set(
        OutboundEmail.objects.filter(key__in=[r.key for r in reminders]).values_list(
            "key", flat=True
        )
    )
    outcome.already_queued = len(known)
    fresh = [reminder for reminder in reminders if reminder.key not in known]
    with transaction.atomic():
        for reminder in fresh:
            _queue(reminder, now)
    outcome.queued = len(fresh)
    if outcome.queued or outcome.cancelled:
        logger.info("Fund reminders: %s.", outcome)
    return outcome


def cancel_passed_reminders(now):
    """Cancel queued reminders whose deadline has passed. Returns how many."""
    prefixes = Q()
    for stage, deadline_field in (
        (Stage.LOI, "loi_deadline"),
        (Stage.FULL, "full_proposal_deadline"),
    ):
        passed = FundRound.objects.filter(
            **{f"{deadline_field}__lte": now, f"{deadline_field}__gt": now - CANCEL_WINDOW}
        ).values_list("pk", flat=True)
        for pk in passed:
            prefixes |= Q(key__startswith=f"{KEY_PREFIX}:round={pk}:stage={stage}:")
    if not prefixes:
        return 0
    return cancel(OutboundEmail.objects.filter(prefixes))


def _queue(reminder, now):
    fund_round = reminder.fund_round
    deadline = fund_round.deadline_for(reminder.stage)
    queue_email(
        key=reminder.key,
        to=reminder.user.email,
        template=TEMPLATES[reminder.kind],
        context={
            "user": reminder.user,
            "city": reminder.city,
            "round": fund_round,
            "stage": Stage(reminder.stage),
            "deadline": deadline,
            "time_left": time_left(deadline, now),
            "proposals": reminder.proposals,
            "dashboard_url": reverse("account:dashboard"),
            "reason": _reason(reminder),
        },
        related=reminder.proposals[0] if reminder.proposals else fund_round,
    )


def _reason(reminder):
    if reminder.kind == Kind.CALL_CLOSING:
        return (
            f"You get this email as the lead contact of {reminder.city} for the CNCA "
            "Innovation Fund."
        )
    return f"You get this email as staff of {reminder.city} on the CNCA portal."


def time_left(deadline, now):
    """How long until ``deadline``, in words a reminder can say: '3 days', '20 hours'.

    Whole days when a day or more is left (rounded, so a reminder sent a few
    minutes after its offset still says "1 day"); hours below that.
    """
    seconds = (deadline - now).total_seconds()
    if seconds >= 23 * 3600:
        days = max(1, round(seconds / 86400))
        return f"{days} day{'s' if days != 1 else ''}"
    hours = max(1, round(seconds / 3600))
    return f"{hours} hour{'s' if hours != 1 else ''}"
