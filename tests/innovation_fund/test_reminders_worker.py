"""The reminder job end to end: a real Celery worker runs it, the outbox sends by SMTP.

Uses the outbox's fixtures (a real SMTP server on loopback, real worker
processes on the Redis broker and the test database).
"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from cnca.notifications.models import OutboundEmail
from innovation_fund.tasks import send_due_reminders
from members.models import CityMembership
from tests.factories import CityMembershipFactory, MemberCityFactory
from tests.notifications.conftest import celery_worker, smtp_server  # noqa: F401

from .factories import FundRoundFactory, ProposalFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_worker_queues_and_sends_each_reminder_once(celery_worker, smtp_server):  # noqa: F811
    now = timezone.now().replace(microsecond=0)
    fund_round = FundRoundFactory(
        name="Round 12",
        call_opens_at=now - timedelta(days=30),
        loi_deadline=now + timedelta(days=3, minutes=-10),  # the 3-day reminder is due
    )
    portland = MemberCityFactory(name="Portland", slug="portland")
    boulder = MemberCityFactory(name="Boulder", slug="boulder")
    CityMembershipFactory(city=portland, user__email="ana@portland.example")
    CityMembershipFactory(
        city=boulder, user__email="bea@boulder.example", role=CityMembership.Role.LEAD_CONTACT
    )
    ProposalFactory(round=fund_round, lead_city=portland, title="Heat pumps")
    celery_worker()

    send_due_reminders.delay()
    send_due_reminders.delay()  # beat and cron at once: nothing twice

    assert smtp_server.handler.wait_for(2, timeout=60)
    subjects = sorted(message["subject"] for message in smtp_server.handler.accepted)
    assert subjects == [
        "Round 12: the call for letters of intent closes in 3 days",
        "Round 12: your letter of intent is not submitted yet (3 days left)",
    ]
    # The row is marked sent just after the server's 250 reply.
    deadline = time.monotonic() + 30
    while OutboundEmail.objects.filter(state="sent").count() < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert OutboundEmail.objects.filter(state="sent").count() == 2
    assert not smtp_server.handler.wait_for(3, timeout=3)  # and no third one
