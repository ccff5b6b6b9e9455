"""Deadline reminders: who gets which, at which offset, once, and never late."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cnca.notifications.models import OutboundEmail
from innovation_fund import reminders
from innovation_fund.models import Proposal
from members.models import CityMembership, MemberCity
from tests.factories import CityMembershipFactory, MemberCityFactory

from .factories import FundRoundFactory, ProposalFactory

pytestmark = pytest.mark.django_db

Status = Proposal.Status
LA = ZoneInfo("America/Los_Angeles")
LOI_DEADLINE = datetime(2027, 3, 15, 17, 0, tzinfo=LA)
FULL_DEADLINE = datetime(2027, 6, 1, 17, 0, tzinfo=LA)
STAFF = CityMembership.Role.STAFF
LEAD = CityMembership.Role.LEAD_CONTACT


def person(city, email, role=STAFF, **user):
    return CityMembershipFactory(city=city, role=role, user__email=email, **user).user


@pytest.fixture
def fund_round():
    return FundRoundFactory(
        name="Round 12",
        slug="round-12",
        time_zone="America/Los_Angeles",
        call_opens_at=datetime(2027, 1, 10, 9, 0, tzinfo=LA),
        loi_deadline=LOI_DEADLINE,
        loi_scoring_deadline=datetime(2027, 4, 1, 17, 0, tzinfo=LA),
        finalists_announced_at=datetime(2027, 4, 10, 9, 0, tzinfo=LA),
        full_proposal_deadline=FULL_DEADLINE,
        full_scoring_deadline=datetime(2027, 7, 1, 17, 0, tzinfo=LA),
        awards_announced_at=datetime(2027, 8, 1, 9, 0, tzinfo=LA),
        reminder_offsets=[14, 3, 1],
    )


@pytest.fixture
def cities(fund_round):
    """Portland has a draft, Oslo submitted, Boulder nothing, Lyon withdrew, Kyoto left."""
    portland = MemberCityFactory(name="Portland", slug="portland")
    oslo = MemberCityFactory(name="Oslo", slug="oslo")
    boulder = MemberCityFactory(name="Boulder", slug="boulder")
    lyon = MemberCityFactory(name="Lyon", slug="lyon")
    kyoto = MemberCityFactory(name="Kyoto", slug="kyoto", status=MemberCity.Status.FORMER)
    person(portland, "ana@portland.example")
    person(portland, "leo@portland.example", LEAD)
    person(oslo, "ola@oslo.example", LEAD)
    person(boulder, "bea@boulder.example", LEAD)
    person(boulder, "bob@boulder.example")  # staff, not lead contact: no call reminder
    person(boulder, "old@boulder.example", LEAD, user__is_active=False)
    person(lyon, "lea@lyon.example", LEAD)
    person(kyoto, "kei@kyoto.example", LEAD)
    ProposalFactory(round=fund_round, lead_city=portland, title="Heat pumps")
    ProposalFactory(
        round=fund_round, lead_city=oslo, status=Status.SUBMITTED, submitted_at=LOI_DEADLINE
    )
    ProposalFactory(round=fund_round, lead_city=lyon, status=Status.WITHDRAWN)
    return {"portland": portland, "oslo": oslo, "boulder": boulder}


def run_at(moment):
    with time_machine.travel(moment, tick=False):
        return reminders.send_due_reminders()


def sent():
    """{recipient: [(offset, template kind)]} of the outbox's reminder rows."""
    rows = OutboundEmail.objects.filter(key__startswith="fund-reminder:").order_by("pk")
    found = {}
    for row in rows:
        offset = int(row.key.split(":offset=")[1].split(":")[0])
        kind = row.template.rsplit("reminder_", 1)[1]
        found.setdefault(row.to[0], []).append((offset, kind))
    return found


# --- Who, and when ------------------------------------------------------------------


def test_nothing_before_the_first_offset(cities):
    outcome = run_at(LOI_DEADLINE - timedelta(days=14, seconds=1))

    assert outcome.queued == 0
    assert sent() == {}


def test_at_the_first_offset_drafts_and_cities_without_a_proposal_are_reminded(cities):
    outcome = run_at(LOI_DEADLINE - timedelta(days=14))

    assert outcome.queued == 4
    assert sent() == {
        "ana@portland.example": [(14, "loi_draft")],
        "leo@portland.example": [(14, "loi_draft")],
        "bea@boulder.example": [(14, "call_closing")],
        "lea@lyon.example": [(14, "call_closing")],  # withdrawn counts as no proposal
    }


def test_the_emails_say_what_is_missing_and_when_in_the_rounds_zone(cities):
    run_at(LOI_DEADLINE - timedelta(days=3))

    draft = OutboundEmail.objects.get(to=["ana@portland.example"])
    closing = OutboundEmail.objects.get(to=["bea@boulder.example"])
    assert draft.subject == "Round 12: your letter of intent is not submitted yet (3 days left)"
    assert '"Heat pumps" (draft)' in draft.text_body
    assert "15 March 2027, 17:00 PDT (UTC\u221207:00): 3 days from now" in draft.text_body
    assert "/innovation-fund/apply/proposals/" in draft.text_body
    assert closing.subject == "Round 12: the call for letters of intent closes in 3 days"
    assert "Boulder has not started one yet" in closing.text_body
    assert "as the lead contact of Boulder" in closing.text_body
    assert f"{settings.SITE_URL}/account/" in closing.text_body


def test_offsets_count_days_on_the_rounds_wall_clock_across_daylight_saving(cities):
    """Los Angeles moves to summer time on 14 March 2027: 14 days before 17:00 PDT on
    15 March is 17:00 PST on 1 March, 335 hours before, not 336."""
    one_march_5pm = datetime(2027, 3, 1, 17, 0, tzinfo=LA)
    assert LOI_DEADLINE.astimezone(UTC) - one_march_5pm.astimezone(UTC) == timedelta(hours=335)

    assert run_at(one_march_5pm - timedelta(seconds=1)).queued == 0
    assert run_at(one_march_5pm).queued == 4


def test_each_offset_is_sent_once(cities):
    for days in (14, 3, 1):
        run_at(LOI_DEADLINE - timedelta(days=days))
        run_at(LOI_DEADLINE - timedelta(days=days, minutes=-5))  # the next beat

    assert sent()["ana@portland.example"] == [(14, "loi_draft"), (3, "loi_draft"), (1, "loi_draft")]
    assert OutboundEmail.objects.count() == 12


def test_running_twice_sends_nothing_twice(cities):
    moment = LOI_DEADLINE - timedelta(days=3, hours=-2)
    first = run_at(moment)

    second = run_at(moment + timedelta(minutes=5))

    assert (first.queued, second.queued, second.already_queued) == (4, 0, 4)
    assert OutboundEmail.objects.count() == 4


def test_the_command_twice_sends_nothing_twice(cities, capsys):
    with time_machine.travel(LOI_DEADLINE - timedelta(days=1), tick=False):
        call_command("send_due_reminders")
        call_command("send_due_reminders")

    out = capsys.readouterr().out.splitlines()
    assert out == [
        "4 reminder(s) queued, 0 already sent or queued, 0 cancelled after their deadline.",
        "0 reminder(s) queued, 4 already sent or queued, 0 cancelled after their deadline.",
    ]
    assert OutboundEmail.objects.count() == 4


def test_a_late_run_sends_only_the_latest_due_offset(cities):
    """Down from 15 days before to 2 days before: one reminder each, not two."""
    run_at(LOI_DEADLINE - timedelta(days=2))

    assert sent()["ana@portland.example"] == [(3, "loi_draft")]
    assert sent()["bea@boulder.example"] == [(3, "call_closing")]
    row = OutboundEmail.objects.get(to=["ana@portland.example"])
    assert "(2 days left)" in row.subject  # the time really left, not the offset


@pytest.mark.parametrize(
    "after", [timedelta(0), timedelta(seconds=1), timedelta(hours=5), timedelta(days=3)]
)
def test_nothing_at_or_after_the_deadline(cities, after):
    assert run_at(LOI_DEADLINE + after).queued == 0
    assert sent() == {}


def test_one_second_before_the_deadline_the_last_reminder_still_goes(cities):
    outcome = run_at(LOI_DEADLINE - timedelta(seconds=1))

    assert outcome.queued == 4
    assert "(1 hour left)" in OutboundEmail.objects.get(to=["ana@portland.example"]).subject


def test_reminders_still_queued_at_the_deadline_are_cancelled(cities):
    run_at(LOI_DEADLINE - timedelta(hours=20))  # queued; the mail server is down
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {"queued"}

    outcome = run_at(LOI_DEADLINE + timedelta(minutes=1))

    assert outcome.cancelled == 4
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {"cancelled"}


def test_sent_reminders_are_left_alone_after_the_deadline(cities):
    run_at(LOI_DEADLINE - timedelta(days=1))
    OutboundEmail.objects.update(state=OutboundEmail.State.SENT, sent_at=LOI_DEADLINE)

    assert run_at(LOI_DEADLINE + timedelta(minutes=1)).cancelled == 0
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {"sent"}


def test_a_draft_submitted_meanwhile_is_not_reminded_again(cities):
    run_at(LOI_DEADLINE - timedelta(days=14))
    Proposal.objects.filter(lead_city=cities["portland"]).update(
        status=Status.SUBMITTED, submitted_at=LOI_DEADLINE - timedelta(days=10)
    )

    run_at(LOI_DEADLINE - timedelta(days=3))

    assert sent()["ana@portland.example"] == [(14, "loi_draft")]
    assert sent()["bea@boulder.example"] == [(14, "call_closing"), (3, "call_closing")]


def test_full_proposal_reminders_go_to_finalists_who_have_not_submitted(fund_round, cities):
    Proposal.objects.filter(lead_city=cities["portland"]).update(
        status=Status.FINALIST, submitted_at=LOI_DEADLINE - timedelta(days=1)
    )
    Proposal.objects.filter(lead_city=cities["oslo"]).update(status=Status.FULL_SUBMITTED)

    outcome = run_at(FULL_DEADLINE - timedelta(days=3))

    assert outcome.queued == 2
    assert sent() == {
        "ana@portland.example": [(3, "full")],
        "leo@portland.example": [(3, "full")],
    }
    row = OutboundEmail.objects.get(to=["ana@portland.example"])
    assert row.subject == "Round 12: your full proposal is not submitted yet (3 days left)"
    assert "1 June 2027, 17:00 PDT" in row.text_body
    user = CityMembership.objects.get(user__email="ana@portland.example").user
    assert row.key == f"fund-reminder:round={fund_round.pk}:stage=full:offset=3:user={user.pk}"


def test_the_rounds_own_offsets_are_used(fund_round, cities):
    fund_round.reminder_offsets = [7]
    fund_round.save()

    assert run_at(LOI_DEADLINE - timedelta(days=8)).queued == 0
    assert run_at(LOI_DEADLINE - timedelta(days=7)).queued == 4
    assert run_at(LOI_DEADLINE - timedelta(days=1)).queued == 0


def test_historical_rounds_and_calls_not_open_yet_send_nothing(fund_round, cities):
    fund_round.is_historical = True
    fund_round.save()
    assert run_at(LOI_DEADLINE - timedelta(days=1)).queued == 0

    fund_round.is_historical = False
    fund_round.call_opens_at = LOI_DEADLINE - timedelta(hours=12)
    fund_round.save()
    assert run_at(LOI_DEADLINE - timedelta(days=1)).queued == 0


def test_queries_do_not_grow_with_the_cities(fund_round):
    def queries_of_a_repeat_run(extra_cities):
        for n in range(extra_cities):
            city = MemberCityFactory()
            person(city, f"lead{n}-{city.pk}@example.org", LEAD)
            person(city, f"staff{n}-{city.pk}@example.org")
            if n % 2:
                ProposalFactory(round=fund_round, lead_city=city)
        moment = LOI_DEADLINE - timedelta(days=3)
        run_at(moment)
        with CaptureQueriesContext(connection) as queries:
            run_at(moment + timedelta(minutes=5))
        return len(queries)

    small = queries_of_a_repeat_run(3)
    large = queries_of_a_repeat_run(20)

    assert small == large


def test_beat_runs_the_job_every_few_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["fund-reminders"]

    assert entry["task"] == "innovation_fund.send_due_reminders"
    assert entry["schedule"] == 300.0


@pytest.mark.parametrize(
    ("left", "text"),
    [
        (timedelta(days=14), "14 days"),
        (timedelta(days=3, minutes=-5), "3 days"),
        (timedelta(days=1), "1 day"),
        (timedelta(hours=23, minutes=55), "1 day"),
        (timedelta(hours=20), "20 hours"),
        (timedelta(minutes=10), "1 hour"),
    ],
)
def test_time_left_in_words(left, text):
    now = datetime(2027, 3, 1, tzinfo=LA)
    assert reminders.time_left(now + left, now) == text
