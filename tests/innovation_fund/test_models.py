from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from innovation_fund.models import FundRound, Phase, Proposal, Stage
from tests.innovation_fund.factories import FundRoundFactory, ProposalFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2027, 1, 10, 17, 0, tzinfo=UTC)


def _round(**kwargs):
    dates = {
        "call_opens_at": T0,
        "loi_deadline": T0 + timedelta(days=30),
        "loi_scoring_deadline": T0 + timedelta(days=40),
        "finalists_announced_at": T0 + timedelta(days=45),
        "full_proposal_deadline": T0 + timedelta(days=90),
        "full_scoring_deadline": T0 + timedelta(days=100),
        "awards_announced_at": T0 + timedelta(days=110),
    }
    fields = {"name": "Round 9", "slug": "round-9", "max_award_usd": Decimal("100000")}
    fields["time_zone"] = "UTC"
    return FundRound(**{**fields, **dates, **kwargs})


@pytest.mark.parametrize(
    ("offset", "phase"),
    [
        (timedelta(seconds=-1), Phase.UPCOMING),
        (timedelta(0), Phase.OPEN),
        (timedelta(days=30, seconds=-1), Phase.OPEN),
        (timedelta(days=30), Phase.LOI_REVIEW),
        (timedelta(days=45), Phase.FULL_PROPOSALS),
        (timedelta(days=90), Phase.FULL_REVIEW),
        (timedelta(days=110), Phase.AWARDED),
        (timedelta(days=110 + 90), Phase.CLOSED),
    ],
)
def test_the_phase_follows_the_dates(offset, phase):
    assert _round().phase_at(T0 + offset) == phase


def test_a_historical_round_is_closed_whatever_its_dates():
    fund_round = _round(is_historical=True)
    assert fund_round.phase_at(T0) == Phase.CLOSED
    assert not fund_round.stage_open_at(Stage.LOI, T0 + timedelta(days=1))


def test_stage_is_open_to_the_second_before_its_deadline():
    fund_round = _round()
    deadline = fund_round.loi_deadline
    assert fund_round.stage_open_at(Stage.LOI, deadline - timedelta(seconds=1))
    assert not fund_round.stage_open_at(Stage.LOI, deadline)
    assert not fund_round.stage_open_at(Stage.LOI, T0 - timedelta(seconds=1))


def test_dates_out_of_order_name_the_wrong_one():
    fund_round = _round(finalists_announced_at=T0 + timedelta(days=20))
    with pytest.raises(ValidationError) as caught:
        fund_round.full_clean()
    errors = caught.value.message_dict
    assert list(errors) == ["finalists_announced_at"]
    assert "after the letter of intent scoring deadline" in errors["finalists_announced_at"][0]


def test_an_open_round_needs_its_call_dates_and_a_maximum_award():
    fund_round = _round(call_opens_at=None, loi_deadline=None)
    fund_round.max_award_usd = None
    with pytest.raises(ValidationError) as caught:
        fund_round.full_clean()
    assert {"call_opens_at", "loi_deadline", "max_award_usd"} <= set(caught.value.message_dict)


def test_a_historical_round_may_lack_dates():
    FundRound(name="Round 1", slug="round-1", year=2015, is_historical=True).full_clean()


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../etc/passwd"])
def test_an_unknown_time_zone_is_refused(zone):
    fund_round = _round(time_zone=zone)
    with pytest.raises(ValidationError) as caught:
        fund_round.full_clean()
    assert "time_zone" in caught.value.message_dict


@pytest.mark.parametrize("offsets", [[0], [14, 14], ["3"], [True], "14,3"])
def test_reminder_offsets_are_checked(offsets):
    fund_round = _round(reminder_offsets=offsets)
    with pytest.raises(ValidationError) as caught:
        fund_round.full_clean()
    assert "reminder_offsets" in caught.value.message_dict


def test_reminder_offsets_default_to_two_weeks_three_days_one_day():
    assert FundRoundFactory().reminder_offsets == [14, 3, 1]


def test_the_slug_is_unique():
    FundRoundFactory(slug="round-x")
    with pytest.raises(IntegrityError):
        FundRound.objects.create(name="Other", slug="round-x")


def test_the_database_refuses_a_request_that_is_not_positive():
    with pytest.raises(IntegrityError):
        ProposalFactory(requested_amount_usd=Decimal("0"))


def test_the_database_refuses_a_submitted_proposal_without_its_time():
    with pytest.raises(IntegrityError):
        ProposalFactory(status=Proposal.Status.SUBMITTED, submitted_at=None)
