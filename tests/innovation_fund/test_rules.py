import pytest
from django.contrib.auth.models import AnonymousUser

from innovation_fund import rules as fund_rules
from tests.factories import CityMembershipFactory, MemberCityFactory, UserFactory
from tests.innovation_fund.factories import ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal():
    proposal = ProposalFactory()
    proposal.partner_cities.add(MemberCityFactory())
    return proposal


def test_lead_city_staff_view_and_edit(proposal):
    user = CityMembershipFactory(city=proposal.lead_city).user
    assert fund_rules.can_view_proposal(user, proposal)
    assert fund_rules.can_edit_proposal(user, proposal)
    assert user.has_perm("innovation_fund.change_own_proposal", proposal)


def test_partner_city_staff_only_view(proposal):
    user = CityMembershipFactory(city=proposal.partner_cities.get()).user
    assert fund_rules.is_partner_city_staff(user, proposal)
    assert fund_rules.can_view_proposal(user, proposal)
    assert not fund_rules.can_edit_proposal(user, proposal)


@pytest.mark.parametrize("who", ["other city", "no city", "anonymous", "alliance staff"])
def test_everyone_else_reaches_nothing(proposal, who):
    user = {
        "other city": lambda: CityMembershipFactory().user,
        "no city": UserFactory,
        "anonymous": AnonymousUser,
        "alliance staff": lambda: UserFactory(is_staff=True, is_superuser=False),
    }[who]()
    assert not fund_rules.can_view_proposal(user, proposal)
    assert not fund_rules.can_edit_proposal(user, proposal)


def test_prefetched_partners_cost_no_query(proposal, django_assert_num_queries):
    user = CityMembershipFactory(city=proposal.partner_cities.get()).user
    fund_rules.city_id_of(user)
    loaded = type(proposal).objects.prefetch_related("partner_cities").get(pk=proposal.pk)
    with django_assert_num_queries(0):
        assert fund_rules.can_view_proposal(user, loaded)
