"""The committee's and the awards' invariants, held by the database."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from innovation_fund.committee import services
from innovation_fund.models import (
    Award,
    CommitteeAuditEntry,
    Conflict,
    Decision,
    Review,
    Score,
    Stage,
    Theme,
)
from tests.factories import StaffUserFactory
from tests.innovation_fund.committee_factories import (
    AwardFactory,
    CommitteeMemberFactory,
    CommitteeUserFactory,
    ReviewFactory,
    SubmittedProposalFactory,
    criteria,
)
from tests.innovation_fund.factories import FundRoundFactory

pytestmark = pytest.mark.django_db


def test_one_review_per_reviewer_proposal_and_stage():
    review = ReviewFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(proposal=review.proposal, reviewer=review.reviewer, stage=Stage.LOI)
    # The other stage is another review.
    Review.objects.create(proposal=review.proposal, reviewer=review.reviewer, stage=Stage.FULL)


def test_a_submitted_review_has_a_recommendation():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(submitted_at=timezone.now(), recommendation="")


def test_one_score_per_criterion_and_values_in_range():
    review = ReviewFactory()
    (criterion,) = criteria(review.proposal.round, ["1"])
    Score.objects.create(review=review, criterion=criterion, value=None)  # n/a
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(review=review, criterion=criterion, value=3)
    Score.objects.all().delete()
    for value in (0, 11):
        with pytest.raises(IntegrityError), transaction.atomic():
            Score.objects.create(review=review, criterion=criterion, value=value)


def test_a_declared_conflict_needs_a_reason():
    member = CommitteeMemberFactory()
    proposal = SubmittedProposalFactory(round=member.round)
    with pytest.raises(IntegrityError), transaction.atomic():
        Conflict.objects.create(member=member, proposal=proposal, kind="declared", reason="")
    Conflict.objects.create(member=member, proposal=proposal, kind="automatic")


def test_decisions_fit_their_stage_and_only_awards_carry_an_amount():
    proposal = SubmittedProposalFactory()
    staff = CommitteeUserFactory()
    bad = [
        {"stage": Stage.LOI, "outcome": "awarded", "amount_usd": Decimal("10")},
        {"stage": Stage.FULL, "outcome": "awarded", "amount_usd": None},
        {"stage": Stage.FULL, "outcome": "awarded", "amount_usd": Decimal("0")},
        {"stage": Stage.LOI, "outcome": "finalist", "amount_usd": Decimal("10")},
    ]
    for fields in bad:
        with pytest.raises(IntegrityError), transaction.atomic():
            Decision.objects.create(proposal=proposal, decided_by=staff, **fields)
    Decision.objects.create(
        proposal=proposal, decided_by=staff, stage=Stage.LOI, outcome="finalist"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            proposal=proposal, decided_by=staff, stage=Stage.LOI, outcome="declined"
        )


def test_an_award_amount_is_unknown_or_positive_never_zero():
    AwardFactory(amount_usd=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        AwardFactory(amount_usd=Decimal("0"))


def test_a_historical_award_has_no_proposal_and_themes_come_from_the_fixed_list():
    award = AwardFactory(proposal=None)
    award.themes.set(Theme.objects.filter(slug__in=["buildings", "energy"]))
    assert sorted(Theme.objects.values_list("slug", flat=True)) == sorted(
        slug for slug, _ in Theme.Slug.choices
    )
    assert list(Award.objects.filter(themes__slug="energy")) == [award]


def test_what_the_committee_worked_on_cannot_be_deleted_with_its_audit():
    staff = StaffUserFactory()
    empty_round = FundRoundFactory()  # no proposals: only its audit holds it
    services.add_member(fund_round=empty_round, user=CommitteeUserFactory(), actor=staff)
    with pytest.raises(ProtectedError):
        empty_round.delete()

    member = CommitteeMemberFactory()
    proposal = SubmittedProposalFactory(round=member.round)
    services.assign(member=member, proposal=proposal, stage=Stage.LOI, actor=staff)
    with pytest.raises(ProtectedError):
        proposal.delete()
    assert CommitteeAuditEntry.objects.filter(round=empty_round).count() == 1
    assert CommitteeAuditEntry.objects.filter(proposal=proposal).count() == 1
