"""Factories for the selection committee: members, assignments, reviews, awards."""

from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from factory.django import DjangoModelFactory

from innovation_fund.committee import services
from innovation_fund.models import (
    Assignment,
    Award,
    CommitteeMember,
    Criterion,
    Proposal,
    Review,
    Score,
    Stage,
)
from members.services import SELECTION_COMMITTEE_GROUP
from tests.factories import MemberCityFactory, UserFactory
from tests.innovation_fund.factories import FundRoundFactory, ProposalFactory


class CommitteeUserFactory(UserFactory):
    """A staff user in the "Selection committee" group (no city)."""

    is_staff = True

    @factory.post_generation
    def committee_group(obj, create, extracted, **kwargs):
        if create:
            group, _ = Group.objects.get_or_create(name=SELECTION_COMMITTEE_GROUP)
            obj.groups.add(group)


class CommitteeMemberFactory(DjangoModelFactory):
    class Meta:
        model = CommitteeMember

    round = factory.SubFactory(FundRoundFactory)
    user = factory.SubFactory(CommitteeUserFactory)


class SubmittedProposalFactory(ProposalFactory):
    status = Proposal.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = Assignment

    member = factory.SubFactory(CommitteeMemberFactory)
    proposal = factory.SubFactory(
        SubmittedProposalFactory, round=factory.SelfAttribute("..member.round")
    )
    stage = Stage.LOI


class ReviewFactory(DjangoModelFactory):
    class Meta:
        model = Review

    proposal = factory.SubFactory(SubmittedProposalFactory)
    reviewer = factory.SubFactory(CommitteeUserFactory)
    stage = Stage.LOI


def submitted_review(proposal, reviewer, values, recommendation="yes", stage=Stage.LOI):
    """A submitted review with ``values``: {criterion: score or None (n/a)}."""
    review = Review.objects.create(
        proposal=proposal,
        reviewer=reviewer,
        stage=stage,
        recommendation=recommendation,
        submitted_at=timezone.now(),
    )
    Score.objects.bulk_create(
        [Score(review=review, criterion=c, value=v) for c, v in values.items()]
    )
    refresh_scores(proposal, stage)
    review.refresh_from_db()
    return review


def refresh_scores(proposal, stage=Stage.LOI):
    """What the review service does after a review changes: the review's weighted
    score and the proposal's standing, recomputed from the rows."""
    with transaction.atomic():
        services.refresh_weighted_scores(Review.objects.filter(proposal=proposal, stage=stage))
        services.refresh_standings(Proposal.objects.filter(pk=proposal.pk), stage)


def criteria(fund_round, weights, stage=Stage.LOI):
    return [
        Criterion.objects.create(
            round=fund_round, stage=stage, name=f"Criterion {i}", weight=Decimal(w), position=i
        )
        for i, w in enumerate(weights)
    ]


class AwardFactory(DjangoModelFactory):
    class Meta:
        model = Award

    round = factory.SubFactory(FundRoundFactory)
    title = factory.Sequence(lambda n: f"Thermal decarbonization {n}")
    slug = factory.Sequence(lambda n: f"thermal-decarbonization-{n}")
    lead_city = factory.SubFactory(MemberCityFactory)
    amount_usd = Decimal("100000")
