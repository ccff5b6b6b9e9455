"""Every change the selection committee and alliance staff make to the committee's work.

Each function is atomic, checks who acts and the deadline (server clock, to the
second), writes a ``CommitteeAuditEntry`` with what changed, and queues its emails
in the outbox. A refusal raises :class:`Refusal` with a message for the person.

Decisions are held (docs/decisions/, "held decision emails"): ``decide`` records or
changes a :class:`Decision` and sends nothing; ``release_decisions`` moves the
proposals' statuses, writes their StatusChange, queues one email per applicant
and creates the public Award, for the whole round and stage at once.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import slugify

from cnca.notifications.services import queue_email
from cnca.servicekit import require_transaction
from innovation_fund import services as fund_services
from innovation_fund.models import (
    Assignment,
    Award,
    CommitteeAuditEntry,
    CommitteeMember,
    Conflict,
    Criterion,
    Decision,
    Proposal,
    Review,
    Score,
    Stage,
    Standing,
)
from innovation_fund.queries import (
    AGGREGATES,
    STAGE_STATUSES,
    standing_values,
    weighted_score_subquery,
)

from . import access
from .assigner import plan

Action = CommitteeAuditEntry.Action
Outcome = Decision.Outcome
Status = Proposal.Status


class Refusal(Exception):
    """Not allowed now; ``str()`` says why, for the person who tried."""


class NotAllowed(Refusal):
    pass


class ScoringClosed(Refusal):
    pass


class IncompleteReview(Refusal):
    def __init__(self, missing):
        self.missing = missing
        super().__init__("To submit, complete: " + ", ".join(missing) + ".")


class OverBudget(Refusal):
    pass


def audit(*, actor, action, fund_round, proposal=None, stage="", subject="", changes=None):
    return CommitteeAuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        round=fund_round,
        proposal=proposal,
        stage=stage,
        subject=str(subject)[:300],
        changes=changes or {},
    )


def _require_staff(user):
    if not access.is_alliance_staff(user):
        raise NotAllowed("Only alliance staff can do this.")


# --- Members and conflicts ----------------------------------------------------------


@transaction.atomic
def add_member(*, fund_round, user, actor):
    """Put ``user`` on the round's committee (idempotent). Returns the member."""
    member, created = CommitteeMember.objects.get_or_create(round=fund_round, user=user)
    if created:
        audit(actor=actor, action=Action.MEMBER_ADDED, fund_round=fund_round, subject=user)
        restore_declared_conflicts(member)
    record_automatic_conflicts(fund_round)
    return member


def restore_declared_conflicts(member):
    """A declaration outlives the seat: someone taken off the round and put back is
    hidden again from every proposal they declared a conflict on, with their
    reason. The audit holds each declaration (a conflict is never withdrawn)."""
    declared = CommitteeAuditEntry.objects.filter(
        round=member.round_id,
        actor=member.user_id,
        action=Action.CONFLICT_DECLARED,
        proposal__isnull=False,
    ).order_by("at", "pk")
    reasons = {entry.proposal_id: entry.changes["reason"][1] for entry in declared}
    Conflict.objects.bulk_create(
        [
            Conflict(member=member, proposal_id=pk, kind=Conflict.Kind.DECLARED, reason=reason)
            for pk, reason in reasons.items()
        ],
        ignore_conflicts=True,
    )


def record_automatic_conflicts(fund_round):
    """Write a Conflict row for every member whose city leads or partners a proposal
    of the round (access control does not depend on these rows: staff see them)."""
    members = CommitteeMember.objects.filter(
        round=fund_round, user__city_membership__isnull=False
    ).values_list("pk", "user__city_membership__city_id")
    rows = []
    for member_id, city_id in members:
        led = Proposal.objects.filter(round=fund_round, lead_city_id=city_id)
        partnered = Proposal.objects.filter(round=fund_round, partner_cities__id=city_id)
        for proposal_id in set(led.values_list("pk", flat=True)) | set(
            partnered.values_list("pk", flat=True)
        ):
            rows.append(
                Conflict(member_id=member_id, proposal_id=proposal_id, kind=Conflict.Kind.AUTOMATIC)
            )
    Conflict.objects.bulk_create(rows, ignore_conflicts=True)


@transaction.atomic
def declare_conflict(*, user, proposal, reason):
    """A member declares a conflict on a proposal: it disappears from their view and
    their assignments to it go (a submitted review stays on record)."""
    reason = (reason or "").strip()
    if not reason:
        raise Refusal("Say briefly why you have a conflict of interest.")
    member = CommitteeMember.objects.filter(round=proposal.round_id, user=user).first()
    if member is None or not access.visible_proposals(user).filter(pk=proposal.pk).exists():
        raise NotAllowed("You are not on this proposal's committee.")
    Conflict.objects.update_or_create(
        member=member,
        proposal=proposal,
        defaults={"kind": Conflict.Kind.DECLARED, "reason": reason},
    )
    removed = Assignment.objects.filter(member=member, proposal=proposal)
    stages = list(removed.values_list("stage", flat=True))
    removed.delete()
    audit(
        actor=user,
        action=Action.CONFLICT_DECLARED,
        fund_round=proposal.round,
        proposal=proposal,
        subject=user,
        changes={"reason": [None, reason], "assignments removed": [stages, []]},
    )


# --- Assignment -----------------------------------------------------------------------


def _check_assignable(member, proposal, stage):
    if member.round_id != proposal.round_id:
        raise Refusal(f"{member.user} is not on the committee of {proposal.round.name}.")
    if proposal.status not in STAGE_STATUSES[stage]:
        raise Refusal(f"“{proposal}” is not at the {Stage(stage).label.lower()} stage.")
    if access.is_conflicted(member.user, proposal):
        raise Refusal(f"{member.user} has a conflict of interest with “{proposal}”.")


@transaction.atomic
def assign(*, member, proposal, stage, actor, method=Assignment.Method.MANUAL):
    """Ask ``member`` to score ``proposal`` at ``stage``. Returns (assignment, created)."""
    _require_staff(actor)
    _check_assignable(member, proposal, stage)
    assignment, created = Assignment.objects.get_or_create(
        member=member,
        proposal=proposal,
        stage=stage,
        defaults={"assigned_by": actor, "method": method},
    )
    if created:
        audit(
            actor=actor,
            action=Action.ASSIGNED,
            fund_round=proposal.round,
            proposal=proposal,
            stage=stage,
            subject=member.user,
            changes={"method": [None, method]},
        )
    return assignment, created


@transaction.atomic
def unassign(*, assignment, actor):
    """Take an assignment away. The member's review, submitted or draft, is kept."""
    _require_staff(actor)
    audit(
        actor=actor,
        action=Action.UNASSIGNED,
        fund_round=assignment.proposal.round,
        proposal=assignment.proposal,
        stage=assignment.stage,
        subject=assignment.member.user,
    )
    assignment.delete()


@transaction.atomic
def remove_member(*, member, actor):
    """Take ``member`` off their round's committee.

    Their assignments go with the seat, each audited as ``unassign`` audits one;
    their reviews, submitted or draft, stay on record (a review belongs to the
    person, not to the seat), so the ranking keeps the scores already given. Their
    conflicts go with the seat; putting the person back records the automatic (own
    city) ones again and restores the declared ones from the audit.
    Returns False when somebody removed the member first (nothing is written).
    """
    _require_staff(actor)
    # The row lock makes a removal by two people at once (one page, one bulk
    # delete) audit the member once.
    member = (
        CommitteeMember.objects.select_for_update(of=("self",))
        .select_related("round", "user")
        .filter(pk=member.pk)
        .first()
    )
    if member is None:
        return False
    fund_round, user = member.round, member.user
    assignments = list(
        Assignment.objects.filter(member=member)
        .order_by("proposal_id", "stage")
        .values_list("proposal_id", "stage")
    )
    states = {
        (proposal_id, stage): "submitted" if submitted_at else "draft"
        for proposal_id, stage, submitted_at in Review.objects.filter(
            reviewer=user, proposal__round=fund_round
        ).values_list("proposal_id", "stage", "submitted_at")
    }
    declared = list(
        Conflict.objects.filter(member=member, kind=Conflict.Kind.DECLARED)
        .order_by("proposal_id")
        .values_list("proposal_id", "reason")
    )
    now = timezone.now()
    CommitteeAuditEntry.objects.bulk_create(
        [
            CommitteeAuditEntry(
                actor=actor,
                action=Action.UNASSIGNED,
                round=fund_round,
                proposal_id=proposal_id,
                stage=stage,
                subject=str(user)[:300],
                changes=_removed_assignment_changes(states.get((proposal_id, stage))),
                at=now,
            )
            for proposal_id, stage in assignments
        ]
    )
    kept = sorted([proposal_id, stage, state] for (proposal_id, stage), state in states.items())
    audit(
        actor=actor,
        action=Action.MEMBER_REMOVED,
        fund_round=fund_round,
        subject=user,
        changes={
            "assignments removed": [[list(row) for row in assignments], []],
            "declared conflicts removed": [[list(row) for row in declared], []],
            "reviews kept": [kept, kept],
        },
    )
    member.delete()
    return True


def _removed_assignment_changes(review_state):
    changes = {"reason": [None, "member removed from the committee"]}
    if review_state is not None:
        changes["review kept"] = [review_state, review_state]
    return changes


@dataclass
class AssignResult:
    created: int = 0
    shortfalls: list = field(default_factory=list)  # (proposal, reviewers missing)


@transaction.atomic
def auto_assign(*, fund_round, stage, actor):
    """Give every proposal of the round at ``stage`` its N reviewers, balancing the
    load and respecting conflicts; report the proposals that cannot have N."""
    _require_staff(actor)
    record_automatic_conflicts(fund_round)
    proposals = Proposal.objects.filter(round=fund_round, status__in=STAGE_STATUSES[stage])
    members = list(CommitteeMember.objects.filter(round=fund_round).select_related("user"))
    conflicts = []
    for member in members:
        conflicts += [
            (pk, member.pk)
            for pk in proposals.filter(access.conflicted(member.user)).values_list("pk", flat=True)
        ]
    existing = Assignment.objects.filter(member__round=fund_round, stage=stage).values_list(
        "proposal_id", "member_id"
    )
    result = plan(
        proposals=list(proposals.values_list("pk", flat=True)),
        members=[member.pk for member in members],
        per_proposal=fund_round.reviewers_per_proposal,
        existing=list(existing),
        conflicts=conflicts,
    )
    now = timezone.now()
    Assignment.objects.bulk_create(
        [
            Assignment(
                member_id=member_id,
                proposal_id=proposal_id,
                stage=stage,
                method=Assignment.Method.AUTOMATIC,
                assigned_by=actor,
                assigned_at=now,
            )
            for proposal_id, member_id in result.new
        ]
    )
    by_member = {member.pk: member.user for member in members}
    CommitteeAuditEntry.objects.bulk_create(
        [
            CommitteeAuditEntry(
                actor=actor,
                action=Action.ASSIGNED,
                round=fund_round,
                proposal_id=proposal_id,
                stage=stage,
                subject=str(by_member[member_id])[:300],
                changes={"method": [None, Assignment.Method.AUTOMATIC]},
                at=now,
            )
            for proposal_id, member_id in result.new
        ]
    )
    titles = dict(proposals.filter(pk__in=result.shortfalls).values_list("pk", "title"))
    return AssignResult(
        created=len(result.new),
        shortfalls=[(titles[pk], missing) for pk, missing in sorted(result.shortfalls.items())],
    )


# --- Reviews ----------------------------------------------------------------------------


@dataclass
class ReviewInput:
    """What the scoring form sends: ``scores`` maps criterion id to a value, None for
    n/a; a criterion absent from it is not scored yet."""

    scores: dict
    recommendation: str = ""
    comment: str = ""
    feedback: str = ""
    release_feedback: bool = False


def criteria_for(proposal, stage):
    return list(Criterion.objects.filter(round=proposal.round_id, stage=stage))


@transaction.atomic
def save_review(*, user, proposal, stage, data, submit, now=None):
    """Save the member's review of ``proposal`` at ``stage`` as a draft, or submit it.

    Refused without an assignment, with a conflict, and at or after the stage's
    scoring deadline. A submitted review stays submitted: every later save must be
    complete. Returns the review.
    """
    now = now or timezone.now()
    if not access.is_committee_member(user) or access.assignment_of(user, proposal, stage) is None:
        raise NotAllowed("You are not assigned to score this proposal.")
    if access.is_conflicted(user, proposal):
        raise NotAllowed("You have a conflict of interest with this proposal.")
    fund_round = proposal.round
    if not fund_round.scoring_open_at(stage, now):
        raise ScoringClosed(
            f"Scoring of {Stage(stage).label.lower()}s closed at the deadline; "
            "reviews can no longer be changed."
        )
    criteria = criteria_for(proposal, stage)
    by_id = {criterion.pk: criterion for criterion in criteria}
    scores = {pk: value for pk, value in data.scores.items() if pk in by_id}
    for pk, value in scores.items():
        if value is not None and not 1 <= value <= by_id[pk].scale_max:
            raise Refusal(f"{by_id[pk].name}: give a score from 1 to {by_id[pk].scale_max}.")

    review, _ = Review.objects.select_for_update().get_or_create(
        proposal=proposal, reviewer=user, stage=stage
    )
    was_submitted = review.is_submitted
    submit = submit or was_submitted
    if submit:
        missing = [c.name for c in criteria if c.pk not in scores]
        if not data.recommendation:
            missing.append("a recommendation")
        if missing:
            raise IncompleteReview(missing)

    before = _review_state(review)
    review.recommendation = data.recommendation
    review.comment = data.comment
    review.feedback = data.feedback
    review.release_feedback = data.release_feedback and bool(data.feedback.strip())
    if submit and not was_submitted:
        review.submitted_at = now
    review.save()
    Score.objects.filter(review=review).exclude(criterion_id__in=scores).delete()
    for pk, value in scores.items():
        Score.objects.update_or_create(review=review, criterion_id=pk, defaults={"value": value})
    refresh_weighted_scores(Review.objects.filter(pk=review.pk))
    review.refresh_from_db(fields=["weighted_score"])
    refresh_standings(Proposal.objects.filter(pk=proposal.pk), stage)

    after = _review_state(review)
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    action = (
        Action.REVIEW_EDITED
        if was_submitted
        else Action.REVIEW_SUBMITTED
        if submit
        else Action.REVIEW_SAVED
    )
    audit(
        actor=user,
        action=action,
        fund_round=fund_round,
        proposal=proposal,
        stage=stage,
        subject=user,
        changes=changes,
    )
    return review


# --- The stored aggregates -----------------------------------------------------------------


def refresh_weighted_scores(reviews):
    """Recompute the stored weighted score of ``reviews`` (a queryset): one UPDATE."""
    return reviews.update(weighted_score=weighted_score_subquery())


def refresh_standings(proposals, stage):
    """Recompute and store the aggregates of ``proposals`` (a queryset) at ``stage``.

    The proposals' rows are locked first, so two reviewers submitting at once
    refresh one after the other and the second counts the first's review (read
    committed: the computing SELECT starts after the lock is granted, so it sees
    what the first committed). Three queries, however many proposals.
    """
    require_transaction()
    locked = proposals.select_for_update(of=("self",)).order_by("pk")
    ids = list(locked.values_list("pk", flat=True))
    rows = [
        Standing(proposal_id=pk, stage=stage, **values)
        for pk, values in standing_values(Proposal.objects.filter(pk__in=ids), stage)
    ]
    Standing.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["proposal", "stage"],
        update_fields=list(AGGREGATES),
    )
    return len(rows)


@transaction.atomic
def refresh_round_scores(round_id, stage=None):
    """Recompute every stored weighted score and standing of the round ``round_id``
    (one stage or both): after a criterion's weight changes, or to repair by hand
    (``manage.py refresh_committee_scores``). Returns the number of standings."""
    stages = [stage] if stage else list(Stage.values)
    refresh_weighted_scores(Review.objects.filter(proposal__round_id=round_id, stage__in=stages))
    proposals = Proposal.objects.filter(round_id=round_id)
    return sum(refresh_standings(proposals, each) for each in stages)


def _review_state(review):
    if review.pk is None:
        return {}
    state = {
        f"score: {name}": ("n/a" if value is None else value)
        for name, value in Score.objects.filter(review=review).values_list(
            "criterion__name", "value"
        )
    }
    state.update(
        recommendation=review.recommendation,
        comment=review.comment,
        feedback=review.feedback,
        release_feedback=review.release_feedback,
        submitted=review.submitted_at is not None,
    )
    return state


# --- Decisions --------------------------------------------------------------------------

DECIDABLE = {Stage.LOI: Status.SUBMITTED, Stage.FULL: Status.FULL_SUBMITTED}


def committed_award_total(fund_round, exclude_proposal=None):
    """Released awards plus awards decided and not yet released, for the budget check."""
    released = (
        Award.objects.filter(round=fund_round, proposal__isnull=False).aggregate(
            total=Sum("amount_usd")
        )["total"]
        or 0
    )
    held = Decision.objects.filter(
        proposal__round=fund_round, outcome=Outcome.AWARDED, released_at__isnull=True
    )
    if exclude_proposal is not None:
        held = held.exclude(proposal=exclude_proposal)
    return Decimal(released) + (held.aggregate(total=Sum("amount_usd"))["total"] or 0)


@transaction.atomic
def decide(*, proposal, outcome, actor, amount=None, over_budget_reason="", note=""):
    """Record (or change) staff's decision on ``proposal`` at the stage it is at.

    Nothing is sent and no status moves until ``release_decisions``. A changed
    decision updates its row, so the release sends one email for it.
    """
    _require_staff(actor)
    proposal = Proposal.objects.select_for_update().select_related("round").get(pk=proposal.pk)
    stage = Stage.LOI if outcome in (Outcome.FINALIST, Outcome.DECLINED) else Stage.FULL
    if proposal.status != DECIDABLE[stage]:
        raise Refusal(
            f"“{proposal}” is {proposal.get_status_display().lower()}: it cannot be "
            f"{Outcome(outcome).label.lower()} now."
        )
    existing = Decision.objects.filter(proposal=proposal, stage=stage).first()
    if existing is not None and existing.is_released:
        raise Refusal("This decision was released to the applicant; it cannot change.")
    over_budget_reason = (over_budget_reason or "").strip()
    if outcome == Outcome.AWARDED:
        if amount is None or amount <= 0:
            raise Refusal("An award needs an amount above 0.")
        if proposal.requested_amount_usd is not None and amount > proposal.requested_amount_usd:
            raise Refusal(
                f"The award ({amount:,.2f} USD) cannot be more than the request "
                f"({proposal.requested_amount_usd:,.2f} USD)."
            )
        budget = proposal.round.budget_usd
        total = committed_award_total(proposal.round, exclude_proposal=proposal) + amount
        if budget is not None and total > budget and not over_budget_reason:
            raise OverBudget(
                f"With this award the round's awards add up to {total:,.2f} USD, more than "
                f"its budget of {budget:,.2f} USD. Record the reason to go over the budget."
            )
    else:
        amount = None
    values = {
        "outcome": outcome,
        "amount_usd": amount,
        "over_budget_reason": over_budget_reason if outcome == Outcome.AWARDED else "",
        "note": note,
    }
    if existing is None:
        decision = Decision.objects.create(
            proposal=proposal, stage=stage, decided_by=actor, **values
        )
        changes = {k: [None, str(v) if v is not None else None] for k, v in values.items() if v}
        action = Action.DECIDED
    else:
        changes = {
            k: [_plain(getattr(existing, k)), _plain(v)]
            for k, v in values.items()
            if getattr(existing, k) != v
        }
        for name, value in values.items():
            setattr(existing, name, value)
        existing.decided_by = actor
        existing.decided_at = timezone.now()
        existing.save()
        decision = existing
        action = Action.DECISION_CHANGED
    audit(
        actor=actor,
        action=action,
        fund_round=proposal.round,
        proposal=proposal,
        stage=stage,
        changes=changes,
    )
    return decision


def _plain(value):
    return None if value is None else str(value)


@dataclass
class ReleaseResult:
    released: list = field(default_factory=list)  # decisions
    skipped: list = field(default_factory=list)  # (decision, why)


@transaction.atomic
def release_decisions(*, fund_round, stage, actor, now=None):
    """Announce every held decision of the round at ``stage``, together."""
    _require_staff(actor)
    now = now or timezone.now()
    decisions = (
        Decision.objects.select_for_update(of=("self",))
        .filter(proposal__round=fund_round, stage=stage, released_at__isnull=True)
        .select_related("proposal__round", "proposal__lead_city", "proposal__submitted_by")
        .order_by("pk")
    )
    result = ReleaseResult()
    for decision in decisions:
        proposal = decision.proposal
        try:
            # The status machine's own move: one conditional UPDATE and its StatusChange.
            fund_services.decide(
                proposal=proposal, actor=actor, to=decision.outcome, note=decision.note
            )
        except fund_services.WrongStatus:
            proposal.refresh_from_db(fields=["status"])
            result.skipped.append((decision, f"it is {proposal.get_status_display().lower()} now"))
            continue
        decision.released_at = now
        decision.released_by = actor
        decision.save(update_fields=["released_at", "released_by"])
        if decision.outcome == Outcome.AWARDED:
            _create_award(decision, now)
        _queue_decision_email(decision)
        result.released.append(decision)
    audit(
        actor=actor,
        action=Action.DECISIONS_RELEASED,
        fund_round=fund_round,
        stage=stage,
        subject=f"{len(result.released)} decision(s)",
        changes={
            "released": [None, [d.proposal_id for d in result.released]],
            "skipped": [None, [d.proposal_id for d, _ in result.skipped]],
        },
    )
    return result


def _create_award(decision, now):
    proposal = decision.proposal
    base = slugify(proposal.title)[:100] or "award"
    slug = base
    if Award.objects.filter(slug=slug).exists():
        slug = f"{base}-{proposal.pk}"
    award = Award.objects.create(
        proposal=proposal,
        round=proposal.round,
        title=proposal.title,
        slug=slug,
        lead_city=proposal.lead_city,
        other_partners=proposal.other_partners,
        amount_usd=decision.amount_usd,
        co_funding_usd=proposal.co_funding_usd,
        announced_on=timezone.localtime(now, proposal.round.zone).date(),
        public_summary=proposal.summary,
    )
    award.partner_cities.set(proposal.partner_cities.all())
    return award


def applicant_recipients(proposal):
    """Who hears of a decision: the person who submitted and the lead city's lead
    contacts, each once, as (email, reason)."""
    recipients = {}
    if proposal.submitted_by is not None and proposal.submitted_by.is_active:
        email = proposal.submitted_by.email
        recipients[email.lower()] = (
            email,
            "You get this email because you submitted this proposal to the CNCA Innovation Fund.",
        )
    return fund_services.with_lead_contacts(recipients, proposal)


def _queue_decision_email(decision):
    proposal = decision.proposal
    fund_round = proposal.round
    feedback = list(
        Review.objects.filter(
            proposal=proposal,
            stage=decision.stage,
            submitted_at__isnull=False,
            release_feedback=True,
        )
        .exclude(feedback="")
        .order_by("pk")
        .values_list("feedback", flat=True)
    )
    context = {
        "proposal": proposal,
        "round": fund_round,
        "decision": decision,
        "outcome": decision.outcome,
        "feedback": feedback,
        "full_deadline": fund_round.full_proposal_deadline,
        "zone": fund_round.zone,
        "proposal_path": _proposal_path(proposal),
    }
    for email, reason in applicant_recipients(proposal):
        queue_email(
            key=f"innovation-fund:decision:{decision.stage}:proposal={proposal.pk}:to={email.lower()}",
            to=email,
            template="innovation_fund/email/decision",
            context={**context, "reason": reason},
            related=proposal,
        )


def _proposal_path(proposal):
    try:
        return reverse("innovation_fund:proposal_detail", kwargs={"pk": proposal.pk})
    except NoReverseMatch:  # before the applicant pages exist: the account page
        return reverse("account:dashboard")
