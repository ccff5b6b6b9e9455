"""The committee demo: the demo committee on the demonstration round, and submitted
letters of intent from Round 3's public record, assigned."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cnca.content.loader import load_content
from innovation_fund.models import Assignment, CommitteeMember, Conflict, FundRound, Proposal
from tests.innovation_fund.factories import FundRoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_round(settings):
    settings.DEBUG = True
    load_content()
    return FundRoundFactory(slug="demonstration-round", name="Demonstration round", is_demo=True)


def test_demo_accounts_sit_on_the_demo_round_and_demo_lois_are_assigned(demo_round, capsys):
    call_command("create_demo_accounts", password="a-long-demo-password")
    members = CommitteeMember.objects.filter(round=demo_round).select_related("user")
    assert sorted(m.user.email for m in members) == [
        "committee@cnca.example",
        "committee@copenhagen.example",
        "committee@portland.example",
    ]
    call_command("create_demo_proposals")
    call_command("create_demo_proposals")  # idempotent
    proposals = Proposal.objects.filter(round=demo_round)
    assert proposals.count() == 8
    assert proposals.filter(status="submitted").count() == 8
    assert len({p.lead_city_id for p in proposals}) >= 5
    assert proposals.get(title="Blue Carbon").requested_amount_usd == 100000  # the record's
    portland = members.get(user__email="committee@portland.example")
    portland_lead = proposals.get(title="Consumption and Urban Decarbonization")
    assert Conflict.objects.filter(member=portland, proposal=portland_lead).exists()
    assert not Assignment.objects.filter(member=portland, proposal=portland_lead).exists()
    assert Assignment.objects.filter(proposal__round=demo_round).count() >= 8 * 2


def test_without_the_demo_round_the_command_says_what_to_do(settings):
    settings.DEBUG = True
    load_content()
    FundRound.objects.filter(slug="demonstration-round").delete()
    call_command("create_demo_accounts", password="a-long-demo-password")

    with pytest.raises(CommandError, match="load_cnca_content"):
        call_command("create_demo_proposals")
