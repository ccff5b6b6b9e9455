"""The fund's rounds from the public record, and the demonstration round."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cnca.content import load_facts
from cnca.content.loader import DEMO_ROUND_SLUG, load_demo_round
from innovation_fund.models import FundRound, Phase, Stage
from innovation_fund.queries import rounds_taking_lois
from members.services import create_demo_accounts

pytestmark = pytest.mark.django_db


def load():
    out = StringIO()
    call_command("load_cnca_content", stdout=out)
    return out.getvalue()


def day(text):
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)


def test_the_historical_rounds_carry_only_the_recorded_dates():
    output = load()
    assert "fund rounds: 3 created" in output

    one, two, three = (FundRound.objects.get(slug=f"round-{n}") for n in (1, 2, 3))
    for fund_round in (one, two, three):
        assert fund_round.is_historical
        assert not fund_round.is_demo
        assert fund_round.phase == Phase.CLOSED
        assert fund_round.max_award_usd is None  # not in the record
        assert fund_round.full_proposal_deadline is None
        assert fund_round.loi_scoring_deadline is None
    assert (one.year, one.call_opens_at, one.loi_deadline) == (2015, None, None)
    assert two.year == 2016
    assert two.call_opens_at == day("2016-01-21")
    assert two.loi_deadline == day("2016-03-03")
    assert two.finalists_announced_at == day("2016-04-06")
    assert two.awards_announced_at == day("2016-11-09")
    assert "879,240 USD awarded" in two.description
    assert three.year is None
    assert three.budget_usd == Decimal("650000")
    assert three.call_opens_at is None
    assert "12 proposals received" in three.description


def test_the_demo_round_is_open_now_and_labelled():
    load()
    demo = FundRound.objects.get(slug=DEMO_ROUND_SLUG)
    assert demo.is_demo
    assert "demonstration" in str(demo).lower()
    assert "not a real call" in demo.description
    assert demo.phase == Phase.OPEN
    assert demo.stage_open_at(Stage.LOI, timezone.now())
    assert demo.loi_deadline > timezone.now() + datetime.timedelta(days=29)
    assert demo.max_award_usd == Decimal("200000")  # Round 3's largest award
    assert rounds_taking_lois() == [demo]
    demo.full_clean()


def test_loading_again_writes_no_round():
    load()
    before = list(FundRound.objects.order_by("pk").values())
    output = load()
    assert "fund rounds: 0 created, 0 updated, 3 unchanged" in output
    assert "demonstration round: 0 created, 0 updated, 1 unchanged" in output
    assert list(FundRound.objects.order_by("pk").values()) == before


def test_a_later_load_reopens_a_demo_round_whose_deadline_passed():
    load()
    demo = FundRound.objects.get(slug=DEMO_ROUND_SLUG)
    later = demo.loi_deadline + datetime.timedelta(seconds=1)
    result = load_demo_round(load_facts(), now=later)
    assert result.updated == 1
    demo.refresh_from_db()
    assert demo.loi_deadline > later
    assert demo.stage_open_at(Stage.LOI, later)
    assert FundRound.objects.filter(is_demo=True).count() == 1


def test_the_demo_city_staff_can_apply_in_the_demo_round(client):
    load()
    results = create_demo_accounts("a-long-demo-password-for-tests")
    staff = [r.user for r in results if r.account.kind == r.account.KIND_CITY_STAFF]
    assert {user.email for user in staff} >= {"staff@portland.example"}
    for user in staff:
        client.force_login(user)
        page = client.get(f"/innovation-fund/apply/{DEMO_ROUND_SLUG}/letter-of-intent/")
        assert page.status_code == 200
        assert "New letter of intent" in page.content.decode()
