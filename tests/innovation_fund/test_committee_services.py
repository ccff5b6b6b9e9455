"""The committee's services: members, conflicts, assignment, reviews, decisions,
held emails, awards, audit and scoring reminders."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from cnca.notifications.models import OutboundEmail
from innovation_fund.committee import assigner, services
from innovation_fund.committee.reminders import send_scoring_reminders
from innovation_fund.models import (
    Assignment,
    Award,
    CommitteeAuditEntry,
    Conflict,
    Decision,
    Proposal,
    Review,
    Stage,
    StatusChange,
)
from tests.factories import CityMembershipFactory, MemberCityFactory, StaffUserFactory, UserFactory
from tests.innovation_fund.committee_factories import (
    AssignmentFactory,
    CommitteeMemberFactory,
    SubmittedProposalFactory,
    criteria,
)
from tests.innovation_fund.factories import FundRoundFactory

pytestmark = pytest.mark.django_db
Action = CommitteeAuditEntry.Action


@pytest.fixture
def staff():
    return StaffUserFactory()


@pytest.fixture
def fund_round():
    return FundRoundFactory(reviewers_per_proposal=2, budget_usd=Decimal("200000"))


def _member(fund_round, city=None):
    member = CommitteeMemberFactory(round=fund_round)
    if city is not None:
        CityMembershipFactory(user=member.user, city=city)
    return member


# --- The assigner (pure) --------------------------------------------------------------


def test_the_assigner_balances_the_load():
    result = assigner.plan(proposals=range(1, 11), members=[1, 2, 3, 4], per_proposal=2)
    loads = [sum(1 for _, m in result.new if m == member) for member in (1, 2, 3, 4)]
    assert sum(loads) == 20
    assert max(loads) - min(loads) <= 1
    assert not result.shortfalls


def test_the_assigner_respects_conflicts_and_reports_a_shortfall():
    result = assigner.plan(
        proposals=[1, 2],
        members=[10, 11, 12],
        per_proposal=2,
        conflicts=[(1, 10), (1, 11)],
    )
    assert (1, 10) not in result.new
    assert (1, 11) not in result.new
    assert result.shortfalls == {1: 1}
    assert sorted(m for p, m in result.new if p == 2) == [10, 11]  # lightest loads


def test_the_assigner_counts_existing_assignments_and_only_fills_gaps():
    result = assigner.plan(proposals=[1], members=[10, 11, 12], per_proposal=2, existing=[(1, 12)])
    assert result.new == [(1, 10)]


# --- Assignment through the service -----------------------------------------------------


def test_auto_assign_gives_n_reviewers_respects_own_city_and_reports_shortfall(fund_round, staff):
    city = MemberCityFactory()
    conflicted = _member(fund_round, city=city)
    free = _member(fund_round)
    mine = SubmittedProposalFactory(round=fund_round, lead_city=city)
    partnered = SubmittedProposalFactory(round=fund_round)
    partnered.partner_cities.add(city)
    other = SubmittedProposalFactory(round=fund_round)
    SubmittedProposalFactory(round=fund_round, status=Proposal.Status.DRAFT, submitted_at=None)

    with transaction.atomic():
        result = services.auto_assign(fund_round=fund_round, stage=Stage.LOI, actor=staff)

    assigned = set(Assignment.objects.values_list("proposal_id", "member_id"))
    assert assigned == {
        (mine.pk, free.pk),
        (partnered.pk, free.pk),
        (other.pk, free.pk),
        (other.pk, conflicted.pk),
    }
    assert sorted(result.shortfalls) == sorted([(mine.title, 1), (partnered.title, 1)])
    # Staff see the automatic conflicts.
    assert set(Conflict.objects.values_list("proposal_id", "kind")) == {
        (mine.pk, "automatic"),
        (partnered.pk, "automatic"),
    }
    assert CommitteeAuditEntry.objects.filter(action=Action.ASSIGNED).count() == 4
    # Running it again adds nothing.
    assert services.auto_assign(fund_round=fund_round, stage=Stage.LOI, actor=staff).created == 0


def test_assigning_a_conflicted_member_by_hand_is_refused(fund_round, staff):
    city = MemberCityFactory()
    member = _member(fund_round, city=city)
    proposal = SubmittedProposalFactory(round=fund_round, lead_city=city)
    with pytest.raises(services.Refusal, match="conflict"):
        services.assign(member=member, proposal=proposal, stage=Stage.LOI, actor=staff)


def test_reassigning_keeps_the_submitted_review(fund_round, staff):
    (criterion,) = criteria(fund_round, ["1"])
    assignment = AssignmentFactory(member=_member(fund_round))
    services.save_review(
        user=assignment.member.user,
        proposal=assignment.proposal,
        stage=Stage.LOI,
        data=services.ReviewInput(scores={criterion.pk: 4}, recommendation="yes"),
        submit=True,
    )
    services.unassign(assignment=assignment, actor=staff)
    assert not Assignment.objects.exists()
    assert Review.objects.get().is_submitted
    assert CommitteeAuditEntry.objects.filter(action=Action.UNASSIGNED).count() == 1


def test_a_declared_conflict_needs_a_reason_hides_and_unassigns(fund_round):
    assignment = AssignmentFactory(member=_member(fund_round))
    user, proposal = assignment.member.user, assignment.proposal
    with pytest.raises(services.Refusal, match="why"):
        services.declare_conflict(user=user, proposal=proposal, reason="  ")
    services.declare_conflict(user=user, proposal=proposal, reason="I advised this team.")
    conflict = Conflict.objects.get()
    assert (conflict.kind, conflict.reason) == ("declared", "I advised this team.")
    assert not Assignment.objects.exists()
    entry = CommitteeAuditEntry.objects.get(action=Action.CONFLICT_DECLARED)
    assert entry.actor == user


# --- Reviews ---------------------------------------------------------------------------


@pytest.fixture
def scoring(fund_round):
    crit = criteria(fund_round, ["1", "2"])
    assignment = AssignmentFactory(member=_member(fund_round))
    return assignment, crit


def _save(assignment, scores, submit, recommendation="yes", now=None):
    return services.save_review(
        user=assignment.member.user,
        proposal=assignment.proposal,
        stage=Stage.LOI,
        data=services.ReviewInput(scores=scores, recommendation=recommendation, comment="Solid"),
        submit=submit,
        now=now,
    )


def test_a_draft_may_have_gaps_a_submission_names_what_is_missing(scoring):
    assignment, (first, second) = scoring
    draft = _save(assignment, {first.pk: 3}, submit=False, recommendation="")
    assert not draft.is_submitted
    with pytest.raises(services.IncompleteReview) as refused:
        _save(assignment, {first.pk: 3}, submit=True, recommendation="")
    assert refused.value.missing == [second.name, "a recommendation"]
    review = _save(assignment, {first.pk: 3, second.pk: None}, submit=True)
    assert review.is_submitted
    assert review.weighted_score == pytest.approx(3.0)  # n/a left out
    actions = list(CommitteeAuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [Action.REVIEW_SAVED, Action.REVIEW_SUBMITTED]


def test_a_score_outside_the_scale_is_refused(scoring):
    assignment, (first, second) = scoring
    with pytest.raises(services.Refusal, match="from 1 to 5"):
        _save(assignment, {first.pk: 6, second.pk: 1}, submit=True)


def test_an_unassigned_member_cannot_review(fund_round, scoring):
    _, (first, second) = scoring
    other = _member(fund_round)
    with pytest.raises(services.NotAllowed):
        services.save_review(
            user=other.user,
            proposal=scoring[0].proposal,
            stage=Stage.LOI,
            data=services.ReviewInput(scores={first.pk: 1, second.pk: 1}, recommendation="no"),
            submit=True,
        )


def test_a_submitted_review_is_editable_until_the_deadline_then_locked_to_the_second(
    fund_round, scoring
):
    assignment, (first, second) = scoring
    _save(assignment, {first.pk: 3, second.pk: 3}, submit=True)
    deadline = fund_round.loi_scoring_deadline
    edited = _save(
        assignment, {first.pk: 5, second.pk: 5}, submit=False, now=deadline - timedelta(seconds=1)
    )
    assert edited.is_submitted  # an edit of a submitted review stays submitted
    assert edited.weighted_score == pytest.approx(5.0)
    entry = CommitteeAuditEntry.objects.filter(action=Action.REVIEW_EDITED).get()
    assert entry.changes[f"score: {first.name}"] == [3, 5]
    with pytest.raises(services.ScoringClosed):
        _save(assignment, {first.pk: 1, second.pk: 1}, submit=True, now=deadline)
    assert Review.objects.get().weighted_score == pytest.approx(5.0)


# --- Decisions, held emails, awards --------------------------------------------------------


@pytest.fixture
def applicant(fund_round):
    user = UserFactory(email="lead@city.example")
    proposal = SubmittedProposalFactory(round=fund_round, submitted_by=user)
    return proposal


def _decision_emails():
    return OutboundEmail.objects.filter(key__startswith="innovation-fund:decision:")


def test_decide_change_release_sends_one_email_each(fund_round, staff, applicant):
    other = SubmittedProposalFactory(round=fund_round, submitted_by=UserFactory())
    with transaction.atomic():
        services.decide(proposal=applicant, outcome="finalist", actor=staff)
        services.decide(proposal=other, outcome="declined", actor=staff)
    assert not _decision_emails().exists()  # held
    applicant.refresh_from_db()
    assert applicant.status == "submitted"  # nothing moves before the release

    with transaction.atomic():
        services.decide(proposal=applicant, outcome="declined", actor=staff)  # changed
        services.decide(proposal=applicant, outcome="finalist", actor=staff, note="On reflection")
    assert Decision.objects.count() == 2

    with transaction.atomic():
        result = services.release_decisions(fund_round=fund_round, stage=Stage.LOI, actor=staff)
    assert len(result.released) == 2
    emails = list(_decision_emails())
    assert len(emails) == 2
    mine = _decision_emails().get(key__endswith=":to=lead@city.example")
    assert "finalist" in mine.subject.lower()
    deadline = timezone.localtime(fund_round.full_proposal_deadline, fund_round.zone)
    assert f"{deadline:%-d %B %Y, %H:%M}" in mine.text_body
    applicant.refresh_from_db()
    assert applicant.status == "finalist"
    change = StatusChange.objects.get(proposal=applicant)
    assert (change.from_status, change.to_status, change.actor) == ("submitted", "finalist", staff)
    # Releasing again sends nothing more, and a released decision cannot change.
    services.release_decisions(fund_round=fund_round, stage=Stage.LOI, actor=staff)
    assert _decision_emails().count() == 2
    with pytest.raises(services.Refusal):
        services.decide(proposal=other, outcome="finalist", actor=staff)
    actions = set(CommitteeAuditEntry.objects.values_list("action", flat=True))
    assert {Action.DECIDED, Action.DECISION_CHANGED, Action.DECISIONS_RELEASED} <= actions


def test_released_feedback_goes_with_the_decision_email(fund_round, staff, applicant):
    (criterion,) = criteria(fund_round, ["1"])
    assignment = AssignmentFactory(member=_member(fund_round), proposal=applicant)
    services.save_review(
        user=assignment.member.user,
        proposal=applicant,
        stage=Stage.LOI,
        data=services.ReviewInput(
            scores={criterion.pk: 2},
            recommendation="no",
            feedback="Show the baseline emissions.",
            release_feedback=True,
        ),
        submit=True,
    )
    services.decide(proposal=applicant, outcome="declined", actor=staff)
    services.release_decisions(fund_round=fund_round, stage=Stage.LOI, actor=staff)
    assert "Show the baseline emissions." in _decision_emails().get().text_body


def _full(fund_round, amount="100000"):
    return SubmittedProposalFactory(
        round=fund_round,
        status=Proposal.Status.FULL_SUBMITTED,
        full_submitted_at=timezone.now(),
        requested_amount_usd=Decimal(amount),
        submitted_by=UserFactory(),
    )


def test_an_award_is_at_most_the_request_and_over_budget_needs_a_reason(fund_round, staff):
    first, second, third = _full(fund_round), _full(fund_round), _full(fund_round)
    with pytest.raises(services.Refusal, match="more than the request"):
        services.decide(proposal=first, outcome="awarded", amount=Decimal("100001"), actor=staff)
    services.decide(proposal=first, outcome="awarded", amount=Decimal("100000"), actor=staff)
    services.decide(proposal=second, outcome="awarded", amount=Decimal("100000"), actor=staff)
    with pytest.raises(services.OverBudget):
        services.decide(proposal=third, outcome="awarded", amount=Decimal("1000"), actor=staff)
    decision = services.decide(
        proposal=third,
        outcome="awarded",
        amount=Decimal("1000"),
        actor=staff,
        over_budget_reason="A funder added 1,000 USD.",
    )
    assert decision.over_budget_reason == "A funder added 1,000 USD."


def test_releasing_an_award_creates_the_public_award(fund_round, staff):
    proposal = _full(fund_round)
    partner = MemberCityFactory()
    proposal.partner_cities.add(partner)
    services.decide(proposal=proposal, outcome="awarded", amount=Decimal("75000"), actor=staff)
    assert not Award.objects.exists()
    services.release_decisions(fund_round=fund_round, stage=Stage.FULL, actor=staff)
    award = Award.objects.get()
    assert (award.proposal, award.round, award.amount_usd) == (proposal, fund_round, 75000)
    assert list(award.partner_cities.all()) == [partner]
    proposal.refresh_from_db()
    assert proposal.status == "awarded"


def test_a_proposal_withdrawn_before_the_release_is_skipped(fund_round, staff, applicant):
    services.decide(proposal=applicant, outcome="finalist", actor=staff)
    Proposal.objects.filter(pk=applicant.pk).update(status=Proposal.Status.WITHDRAWN)
    result = services.release_decisions(fund_round=fund_round, stage=Stage.LOI, actor=staff)
    assert result.released == []
    assert len(result.skipped) == 1
    assert not _decision_emails().exists()


def test_only_alliance_staff_decide(fund_round, applicant):
    member = _member(fund_round)
    with pytest.raises(services.NotAllowed):
        services.decide(proposal=applicant, outcome="finalist", actor=member.user)


# --- Scoring reminders --------------------------------------------------------------------


def test_scoring_reminders_go_once_to_members_with_unscored_assignments(fund_round, scoring):
    assignment, (first, second) = scoring
    done = AssignmentFactory(member=_member(fund_round))
    criteria_done = {first.pk: 4, second.pk: 4}
    _save(done, criteria_done, submit=True)
    deadline = fund_round.loi_scoring_deadline
    with time_machine.travel(deadline - timedelta(days=3, hours=-1), tick=False):
        assert send_scoring_reminders().queued == 1
        assert send_scoring_reminders().queued == 0
    email = OutboundEmail.objects.get(key__startswith="committee-reminder:")
    assert email.to == [assignment.member.user.email]
    assert "offset=3" in email.key
    assert assignment.proposal.title in email.text_body
    with time_machine.travel(deadline + timedelta(seconds=1), tick=False):
        assert send_scoring_reminders().queued == 0
