"""Deadlines as iCalendar: parseable, in the round's zone, right across daylight saving."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from tests.innovation_fund.factories import FundRoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def copenhagen_round():
    # Denmark leaves CET (UTC+1) for CEST (UTC+2) on 28 March 2027.
    return FundRoundFactory(
        name="Round 8",
        slug="round-8",
        time_zone="Europe/Copenhagen",
        call_opens_at=datetime(2027, 2, 1, 8, tzinfo=UTC),
        loi_deadline=datetime(2027, 3, 26, 16, tzinfo=UTC),  # Friday 17:00 CET
        loi_scoring_deadline=datetime(2027, 4, 2, 15, tzinfo=UTC),
        finalists_announced_at=datetime(2027, 4, 9, 15, tzinfo=UTC),  # Friday 17:00 CEST
        full_proposal_deadline=datetime(2027, 6, 4, 15, tzinfo=UTC),
        full_scoring_deadline=datetime(2027, 6, 25, 15, tzinfo=UTC),
        awards_announced_at=datetime(2027, 7, 9, 15, tzinfo=UTC),
    )


def events_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}, calendar


def test_round_calendar_holds_the_right_utc_instants_across_dst(client, copenhagen_round):
    events, calendar = events_of(
        client.get(reverse("innovation_fund:round_calendar", args=["round-8"]))
    )

    loi = events["Round 8 - Letter of intent deadline"]["DTSTART"].dt
    finalists = events["Round 8 - Finalists announced"]["DTSTART"].dt
    assert loi.astimezone(UTC) == datetime(2027, 3, 26, 16, tzinfo=UTC)
    assert finalists.astimezone(UTC) == datetime(2027, 4, 9, 15, tzinfo=UTC)
    # Written in the round's zone: both are 17:00 local, on either side of the change.
    assert (loi.hour, finalists.hour) == (17, 17)
    assert str(events["Round 8 - Letter of intent deadline"]["DTSTART"].params["TZID"]) == (
        "Europe/Copenhagen"
    )
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    # The committee's scoring deadlines are not public.
    assert not any("scoring" in summary for summary in events)


def test_day_only_dates_become_all_day_events(client, db):
    FundRoundFactory(
        name="Round 2",
        slug="round-2",
        is_historical=True,
        dates_to_the_day=True,
        time_zone="UTC",
        call_opens_at=datetime(2016, 1, 21, tzinfo=UTC),
        loi_deadline=datetime(2016, 3, 3, tzinfo=UTC),
        loi_scoring_deadline=None,
        finalists_announced_at=datetime(2016, 4, 6, tzinfo=UTC),
        full_proposal_deadline=None,
        full_scoring_deadline=None,
        awards_announced_at=datetime(2016, 11, 9, tzinfo=UTC),
    )

    events, _ = events_of(client.get(reverse("innovation_fund:round_calendar", args=["round-2"])))

    assert events["Round 2 - Letter of intent deadline"]["DTSTART"].dt == date(2016, 3, 3)
    assert len(events) == 4


def test_the_all_rounds_feed_has_every_rounds_dates(client, copenhagen_round):
    FundRoundFactory(name="Round 9", slug="round-9", time_zone="America/Los_Angeles")

    events, calendar = events_of(client.get(reverse("innovation_fund:calendar")))

    assert {summary.split(" - ")[0] for summary in events} == {"Round 8", "Round 9"}
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {
        "Europe/Copenhagen",
        "America/Los_Angeles",
    }
    uids = [str(event["UID"]) for event in events.values()]
    assert len(uids) == len(set(uids))


def test_unknown_round_calendar_is_404(client, db):
    assert client.get("/innovation-fund/rounds/nope/deadlines.ics").status_code == 404
