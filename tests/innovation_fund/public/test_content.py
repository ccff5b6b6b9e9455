"""The fund's real history from the facts: Rounds 2 and 3 awards, published totals."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innovation_fund.models import Award, FundRound
from innovation_fund.public.models import PublishedTotal
from tests.pagetext import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    call_command("load_cnca_content", stdout=StringIO())


def test_round_2_has_eight_awards_one_published_amount_and_its_total(loaded):
    round2 = FundRound.objects.get(slug="round-2")
    awards = Award.objects.filter(round=round2)

    assert awards.count() == 8
    assert [a.amount_usd for a in awards.exclude(amount_usd=None)] == [Decimal("169200")]
    assert awards.get(amount_usd=Decimal("169200")).lead_city.name == "London"
    assert round2.awarded_total_usd == Decimal("879240")


def test_round_3_has_eight_awards_adding_up_to_650000_with_known_partners(loaded):
    awards = Award.objects.filter(round__slug="round-3")

    assert awards.count() == 8
    assert sum(a.amount_usd for a in awards) == Decimal("650000")
    thermal = awards.get(title="Thermal Decarbonization Initiative for Cities - Phase 2")
    assert sorted(c.name for c in thermal.partner_cities.all()) == ["Boulder", "Washington DC"]
    assert thermal.other_partners == "Burlington, Vermont"
    hvac = awards.get(title="Total System Performance Ratio (HVAC)")
    assert sorted(c.name for c in hvac.partner_cities.all()) == ["Boulder", "New York City"]


def test_round_1_has_no_award_rows_and_says_its_list_is_unknown(client, loaded):
    assert not Award.objects.filter(round__slug="round-1").exists()
    text = text_of(client.get("/innovation-fund/rounds/round-1/"))
    assert "The list of projects funded in this round is not in the public record." in text


def test_the_published_totals_are_loaded_with_their_source(loaded):
    (total,) = PublishedTotal.objects.all()

    assert (total.invested_usd, total.projects, total.leveraged_usd) == (
        Decimal("3255496"),
        36,
        Decimal("43550706"),
    )
    assert total.source_url == "https://carbonneutralcities.org/initiatives/innovation-fund"


def test_loading_twice_writes_nothing_and_keeps_staff_edits(loaded):
    award = Award.objects.get(title="Blue Carbon")
    award.public_summary = "Written by staff in the admin."
    award.save()

    with CaptureQueriesContext(connection) as queries:
        call_command("load_cnca_content", stdout=StringIO())

    writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    award.refresh_from_db()
    assert award.public_summary == "Written by staff in the admin."
    assert Award.objects.count() == 16
    # The facts give no summary for this award: the editor's text is not theirs to undo.
    assert writes == []


def test_public_pages_show_the_record_without_research_notes(client, loaded):
    fund = text_of(client.get(reverse("innovation_fund:index")))
    round2 = text_of(client.get("/innovation-fund/rounds/round-2/"))
    london = client.get(
        Award.objects.get(title="London Energiesprong Trial Project").get_absolute_url()
    ).content.decode()

    assert "Awarded US$1,529,240" in fund  # 879,240 + 650,000
    assert "Projects 16" in fund
    assert "Total US$879,240" in round2
    assert "US$169,200" in round2
    assert "GBP 450,000" in london
    assert 'href="https://www.london.gov.uk/decisions/md2080-energy-leap-project"' in london
    for page in (fund, round2, london):
        assert "usdn.org" not in page
        assert "seed-homepage" not in page
        assert "not a member" not in page
