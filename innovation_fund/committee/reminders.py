"""Scoring reminders: before a stage's scoring deadline, members with unscored
assignments hear how many are left.

The same shape as the applicants' deadline reminders: at each of the round's
reminder offsets (days) before the scoring deadline, one email per member, keyed
by (round, stage, offset, member) in the outbox, so running the job twice, or in
two processes at once, queues nothing twice. A run sends only the latest offset
due, and nothing at or after the deadline. ``manage.py send_scoring_reminders``
and the beat task ``innovation_fund.send_scoring_reminders`` run it.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from cnca.notifications.models import OutboundEmail
from cnca.notifications.services import queue_email
from innovation_fund.models import Assignment, FundRound, Review, Stage

KEY_PREFIX = "committee-reminder"
LOOKAHEAD = timedelta(days=90)


def reminder_key(fund_round, stage, offset, user_id):
    return f"{KEY_PREFIX}:round={fund_round.pk}:stage={stage}:offset={offset}:user={user_id}"


def due_offset(fund_round, stage, now):
    """The smallest offset whose moment has come before the scoring deadline, or None."""
    deadline = fund_round.scoring_deadline_for(stage)
    if deadline is None or now >= deadline:
        return None
    due = [days for days in fund_round.reminder_offsets if deadline - timedelta(days=days) <= now]
    return min(due) if due else None


def time_left(deadline, now):
    seconds = (deadline - now).total_seconds()
    if seconds >= 23 * 3600:
        days = max(1, round(seconds / 86400))
        return f"{days} day{'s' if days != 1 else ''}"
    hours = max(1, round(seconds / 3600))
    return f"{hours} hour{'s' if hours != 1 else ''}"


@dataclass
class Outcome:
    queued: int = 0
    already_queued: int = 0

    def __str__(self):
        return f"{self.queued} scoring reminder(s) queued, {self.already_queued} already queued"


def send_scoring_reminders(now=None):
    """Queue the scoring reminders due at ``now`` that were not queued before."""
    now = now or timezone.now()
    rounds = FundRound.objects.filter(is_historical=False).filter(
        Q(loi_scoring_deadline__gt=now, loi_scoring_deadline__lte=now + LOOKAHEAD)
        | Q(full_scoring_deadline__gt=now, full_scoring_deadline__lte=now + LOOKAHEAD)
    )
    outcome = Outcome()
    with transaction.atomic():
        for fund_round in rounds:
            for stage in (Stage.LOI, Stage.FULL):
                offset = due_offset(fund_round, stage, now)
                if offset is not None:
                    _remind(fund_round, stage, offset, now, outcome)
    return outcome


def _remind(fund_round, stage, offset, now, outcome):
    submitted = Review.objects.filter(
        proposal=OuterRef("proposal"),
        reviewer=OuterRef("member__user"),
        stage=stage,
        submitted_at__isnull=False,
    )
    unscored = (
        Assignment.objects.filter(
            member__round=fund_round, stage=stage, member__user__is_active=True
        )
        .exclude(Exists(submitted))
        .select_related("member__user", "proposal")
        .order_by("member__user__email", "proposal__title")
    )
    by_user = defaultdict(list)
    users = {}
    for assignment in unscored:
        users[assignment.member.user_id] = assignment.member.user
        by_user[assignment.member.user_id].append(assignment.proposal)
    keys = {pk: reminder_key(fund_round, stage, offset, pk) for pk in by_user}
    known = set(OutboundEmail.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    deadline = fund_round.scoring_deadline_for(stage)
    for pk, proposals in by_user.items():
        if keys[pk] in known:
            outcome.already_queued += 1
            continue
        queue_email(
            key=keys[pk],
            to=users[pk].email,
            template="innovation_fund/email/scoring_reminder",
            context={
                "round": fund_round,
                "stage": Stage(stage),
                "deadline": deadline,
                "time_left": time_left(deadline, now),
                "unscored": proposals,
                "admin_url": reverse("admin:innovation_fund_proposal_changelist"),
                "reason": f"You get this email as a member of the selection committee of "
                f"{fund_round.name}.",
            },
            related=fund_round,
        )
        outcome.queued += 1
