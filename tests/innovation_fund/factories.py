"""Factories for the Innovation Fund: a round open now, proposals, city staff."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from innovation_fund.models import (
    BudgetLine,
    Criterion,
    FundRound,
    Milestone,
    Proposal,
    Stage,
)
from tests.factories import MemberCityFactory, UserFactory


def _now():
    return timezone.now().replace(microsecond=0)


class FundRoundFactory(DjangoModelFactory):
    """A round whose call opened a week ago and whose LOI deadline is in 30 days."""

    class Meta:
        model = FundRound
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Round {n + 10}")
    slug = factory.Sequence(lambda n: f"round-{n + 10}")
    year = factory.LazyFunction(lambda: _now().year)
    description = "A call for projects that cut cities' emissions."
    budget_usd = Decimal("500000")
    max_award_usd = Decimal("100000")
    time_zone = "America/Los_Angeles"
    call_opens_at = factory.LazyFunction(lambda: _now() - timedelta(days=7))
    loi_deadline = factory.LazyAttribute(lambda r: r.call_opens_at + timedelta(days=37))
    loi_scoring_deadline = factory.LazyAttribute(lambda r: r.loi_deadline + timedelta(days=14))
    finalists_announced_at = factory.LazyAttribute(
        lambda r: r.loi_scoring_deadline + timedelta(days=3)
    )
    full_proposal_deadline = factory.LazyAttribute(
        lambda r: r.finalists_announced_at + timedelta(days=42)
    )
    full_scoring_deadline = factory.LazyAttribute(
        lambda r: r.full_proposal_deadline + timedelta(days=21)
    )
    awards_announced_at = factory.LazyAttribute(
        lambda r: r.full_scoring_deadline + timedelta(days=14)
    )


class CriterionFactory(DjangoModelFactory):
    class Meta:
        model = Criterion

    round = factory.SubFactory(FundRoundFactory)
    stage = Stage.LOI
    name = factory.Sequence(lambda n: f"Criterion {n}")
    guidance = "How far the project moves the city toward its target."
    weight = Decimal("1")


class ProposalFactory(DjangoModelFactory):
    """A complete letter of intent, still a draft."""

    class Meta:
        model = Proposal
        skip_postgeneration_save = True

    round = factory.SubFactory(FundRoundFactory)
    lead_city = factory.SubFactory(MemberCityFactory)
    title = factory.Sequence(lambda n: f"Heat pumps for public housing {n}")
    summary = "Replace gas boilers in 400 public flats with shared ground-source heat pumps."
    problem = "Gas heating is a fifth of the city's emissions."
    approach = "Pilot in two estates, measure, then publish a procurement template."
    requested_amount_usd = Decimal("80000")
    co_funding_usd = Decimal("20000")
    co_funding_sources = "City climate budget"
    expected_impact_tco2e = Decimal("1200")
    contact_name = "Ana Lima"
    contact_email = "ana.lima@city.example"
    status = Proposal.Status.DRAFT
    created_by = factory.SubFactory(UserFactory)


class BudgetLineFactory(DjangoModelFactory):
    class Meta:
        model = BudgetLine

    proposal = factory.SubFactory(ProposalFactory)
    description = "Engineering study"
    amount_usd = Decimal("40000")


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    proposal = factory.SubFactory(ProposalFactory)
    title = "Study published"
    due_on = factory.LazyFunction(lambda: (_now() + timedelta(days=200)).date())


def make_finalist(proposal, user):
    """Submit ``proposal``, name it a finalist, and move its round on to the full
    proposal stage (the LOI deadline passed, the full proposal deadline ahead)."""
    from innovation_fund import services

    services.submit_proposal(proposal=proposal, user=user, version=proposal.version)
    services.decide(proposal=proposal, actor=None, to=Proposal.Status.FINALIST)
    now = _now()
    FundRound.objects.filter(pk=proposal.round_id).update(
        call_opens_at=now - timedelta(days=60),
        loi_deadline=now - timedelta(days=30),
        loi_scoring_deadline=now - timedelta(days=20),
        finalists_announced_at=now - timedelta(days=10),
    )
    return Proposal.objects.select_related("round").get(pk=proposal.pk)
