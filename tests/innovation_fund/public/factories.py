"""Awards for the public fund pages' tests."""

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from innovation_fund.models import Award, Theme
from tests.factories import MemberCityFactory
from tests.innovation_fund.factories import FundRoundFactory


class AwardFactory(DjangoModelFactory):
    class Meta:
        model = Award
        skip_postgeneration_save = True

    round = factory.SubFactory(FundRoundFactory)
    title = factory.Sequence(lambda n: f"District heat network {n}")
    slug = factory.Sequence(lambda n: f"district-heat-network-{n}")
    lead_city = factory.SubFactory(MemberCityFactory)
    amount_usd = Decimal("50000")
    public_summary = "Plan a district heat network fed by waste heat."

    @factory.post_generation
    def partner_cities(self, create, extracted, **kwargs):
        if create and extracted:
            self.partner_cities.add(*extracted)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.add(*Theme.objects.filter(slug__in=extracted))


def bulk_awards(count, *, fund_round, lead_city, partner=None, theme="energy"):
    """``count`` awards in a few queries, for the query-count tests."""
    awards = Award.objects.bulk_create(
        Award(
            round=fund_round,
            title=f"Bulk award {fund_round.pk}-{n}",
            slug=f"bulk-award-{fund_round.pk}-{n}",
            lead_city=lead_city,
            amount_usd=Decimal(1000 + n) if n % 3 else None,
        )
        for n in range(count)
    )
    theme = Theme.objects.get(slug=theme)
    Award.themes.through.objects.bulk_create(
        Award.themes.through(award_id=award.pk, theme_id=theme.pk) for award in awards
    )
    if partner is not None:
        Award.partner_cities.through.objects.bulk_create(
            Award.partner_cities.through(award_id=award.pk, membercity_id=partner.pk)
            for award in awards
        )
    return awards
