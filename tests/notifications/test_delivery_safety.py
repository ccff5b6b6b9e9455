"""What keeps a row from being sent twice, or kept forever: claim tokens, time
budgets, time limits, row locks, partial refusals, redaction and the purge.

Driven in this process against the test SMTP server on loopback; the tests that
need two database connections at once run on Postgres (``services``).
"""

import signal
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connections, transaction
from django.utils import timezone

from cnca.notifications import delivery, services
from cnca.notifications.models import OutboundEmail
from cnca.notifications.services import queue_email
from tests.smtp_server import SMTPServer

from .conftest import wait_until

State = OutboundEmail.State


def queue(key, to="ana@oslo.example", **options):
    with transaction.atomic():
        return queue_email(
            key=key,
            to=to,
            template="notifications/email/notice",
            context={"subject": f"About {key}", "paragraphs": ["Hello."], "reason": "A test."},
            **options,
        )


def smtp_mailer_settings(*servers):
    return {
        alias: {
            "BACKEND": "cnca.notifications.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 10},
        }
        for alias, server in servers
    }


def delivered(*servers):
    """Message-ID -> how many times the servers accepted it, all servers together."""
    total = Counter()
    for server in servers:
        total.update(server.handler.message_ids())
    return total


@pytest.fixture
def raise_after():
    """``raise_after(seconds, exc)``: raise ``exc`` in this thread after ``seconds``,
    from a timer signal, as Celery's soft time limit does in a pool process."""
    previous = signal.getsignal(signal.SIGALRM)

    def arm(seconds, exc):
        def fire(signum, frame):
            raise exc("time limit")

        signal.signal(signal.SIGALRM, fire)
        signal.setitimer(signal.ITIMER_REAL, seconds)

    yield arm
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


# --- Item 4: a slow batch, the sweep and a second relay -----------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_slow_batch_swept_and_sent_by_a_second_relay_delivers_each_row_once(settings):
    """The first relay claims three rows and hangs on the first; its other two rows wait
    past the sweep's window, are re-queued and sent by a second relay. When the first
    relay wakes up it finds its claim gone and sends nothing more: 3 rows, 3 deliveries."""
    slow, fast = SMTPServer(), SMTPServer()
    try:
        settings.MAILERS = smtp_mailer_settings(("slow", slow), ("fast", fast))
        rows = [queue(f"row-{n}") for n in range(3)]
        slow.handler.gate.clear()  # the slow server holds every message
        first = {}

        def first_relay():
            try:
                first.update(services.relay(batch=3, connection=_mailer("slow")))
            finally:
                connections.close_all()

        thread = threading.Thread(target=first_relay)
        thread.start()
        wait_until(lambda: slow.handler.held == 1, 10, "the first relay to hang on row 0")

        # Rows 1 and 2 have waited in the slow batch longer than the sweep allows.
        long_ago = timezone.now() - timedelta(hours=1)
        OutboundEmail.objects.filter(key__in=["row-1", "row-2"]).update(sending_since=long_ago)
        assert services.sweep() == 2
        second = services.relay(batch=3, connection=_mailer("fast"))
        assert second["sent"] == 2

        slow.handler.gate.set()
        thread.join(20)
        assert first == {"sent": 1, "queued": 0, "failed": 0, "skipped": 2}
        assert delivered(slow, fast) == Counter({row.message_id: 1 for row in rows})
        assert set(OutboundEmail.objects.values_list("state", flat=True)) == {State.SENT}
    finally:
        slow.stop()
        fast.stop()


def _mailer(alias):
    return mail.mailers[alias]


@pytest.mark.django_db
def test_a_row_is_taken_only_under_its_own_claim():
    row = queue("mine")
    (claimed,) = delivery.claim(OutboundEmail.objects.filter(pk=row.pk), 1)
    assert delivery.take(claimed)
    # The sweep re-queued it and another sender claimed it again.
    OutboundEmail.objects.filter(pk=row.pk).update(state=State.QUEUED, claim_token=None)
    (again,) = delivery.claim(OutboundEmail.objects.filter(pk=row.pk), 1)
    assert again.claim_token != claimed.claim_token
    assert not delivery.take(claimed)
    assert delivery.take(again)


@pytest.mark.django_db
def test_the_relay_checks_its_budget_before_each_row_and_gives_back_the_rest(smtp_mailer):
    smtp_mailer.handler.data_delay = 0.3
    rows = [queue(f"budget-{n}") for n in range(4)]

    started = time.monotonic()
    outcome = services.relay(batch=4, budget=0.5)
    took = time.monotonic() - started

    # 0.3 s a send and a 0.5 s budget: one or two rows start in time, never all four,
    # and the relay ends within the budget plus the one send it had started.
    assert 1 <= outcome["sent"] <= 2
    assert outcome["sent"] + outcome["queued"] == 4
    assert took < 0.5 + 0.3 + 0.5
    assert smtp_mailer.handler.count == outcome["sent"]
    for row in rows[outcome["sent"] :]:
        row.refresh_from_db()
        # Given back untried: no try counted, no error, due at once.
        assert (row.state, row.attempts, row.last_error) == (State.QUEUED, 0, "")
        assert row.claim_token is None


@pytest.mark.django_db
def test_the_soft_time_limit_stops_the_relay_and_is_not_a_failed_try(smtp_mailer, raise_after):
    smtp_mailer.handler.gate.clear()  # the server hangs on the first message
    in_flight, *waiting = [queue(f"soft-{n}") for n in range(3)]
    raise_after(0.5, SoftTimeLimitExceeded)

    with pytest.raises(SoftTimeLimitExceeded):
        services.relay(batch=3)

    in_flight.refresh_from_db()
    # The row in flight may have reached the server: left to the sweep, as a
    # dead worker's would be, not rescheduled as a transient failure.
    assert in_flight.state == State.SENDING
    assert in_flight.attempts == 1
    assert "Stopped by a time limit" in in_flight.last_error
    for row in waiting:
        row.refresh_from_db()
        assert (row.state, row.attempts) == (State.QUEUED, 0)


@pytest.mark.django_db
def test_send_queued_email_stops_at_its_hard_deadline(smtp_mailer):
    smtp_mailer.handler.gate.clear()
    in_flight, waiting = queue("cron-0"), queue("cron-1")

    started = time.monotonic()
    with pytest.raises(CommandError, match="deadline"):
        call_command("send_queued_email", "--deadline", "0.5")
    assert time.monotonic() - started < 5  # the SMTP timeout is 5 s: the deadline cut it

    in_flight.refresh_from_db()
    waiting.refresh_from_db()
    assert in_flight.state == State.SENDING
    assert (waiting.state, waiting.attempts) == (State.QUEUED, 0)


# --- The row lock -----------------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_claim_skips_a_row_another_connection_holds_for_update():
    held, free = queue("held"), queue("free")
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                list(OutboundEmail.objects.select_for_update().filter(pk=held.pk))
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert locked.wait(10)
        started = time.monotonic()
        claimed = delivery.claim(OutboundEmail.objects.all(), 10)
        assert time.monotonic() - started < 1  # skipped, not waited for
        assert [row.pk for row in claimed] == [free.pk]
    finally:
        release.set()
        thread.join(10)
    held.refresh_from_db()
    assert (held.state, held.attempts) == (State.QUEUED, 0)
    # Once the lock is gone the row is claimed as usual.
    assert [row.pk for row in delivery.claim(OutboundEmail.objects.all(), 10)] == [held.pk]


# --- Several recipients -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_partial_refusal_is_recorded_per_recipient(smtp_mailer):
    smtp_mailer.handler.refuse = {"gone@paris.example": "550 5.1.1 No such user"}
    row = queue("partial", to=["ana@oslo.example", "gone@paris.example"])

    services.send_email(row.pk)

    row.refresh_from_db()
    assert row.state == State.SENT  # the server took it for one recipient
    assert row.results == {
        "ana@oslo.example": "250 accepted",
        "gone@paris.example": "550 5.1.1 No such user",
    }
    assert row.refused == {"gone@paris.example": "550 5.1.1 No such user"}
    assert "gone@paris.example: 550 5.1.1 No such user" in row.last_error
    assert smtp_mailer.handler.accepted[0]["to"] == ["ana@oslo.example"]


@pytest.mark.django_db
def test_every_recipient_refused_fails_the_row_with_each_reply(smtp_mailer):
    smtp_mailer.handler.refuse = {
        "a@gone.example": "550 5.1.1 No such user",
        "b@gone.example": "553 5.1.3 Bad address",
    }
    row = queue("all-refused", to=["a@gone.example", "b@gone.example"])
    services.send_email(row.pk)
    row.refresh_from_db()
    assert row.state == State.FAILED
    assert "a@gone.example: 550" in row.last_error
    assert "b@gone.example: 553" in row.last_error


# --- Sensitive rows and the retention period ------------------------------------------------


@pytest.mark.django_db
def test_a_sensitive_body_is_erased_once_sent_and_the_message_was_whole():
    row = queue("reset", sensitive=True)
    assert "Hello." in row.text_body  # needed until it is sent

    services.send_email(row.pk)

    row.refresh_from_db()
    assert row.state == State.SENT
    assert row.text_body == OutboundEmail.REDACTED
    assert row.html_body == ""
    assert "Hello." in mail.outbox[0].body  # the reader got the real thing


@pytest.mark.django_db
def test_cancelling_a_sensitive_row_erases_it_too():
    row = queue("reset-cancel", sensitive=True)
    services.cancel(OutboundEmail.objects.filter(pk=row.pk))
    row.refresh_from_db()
    assert (row.state, row.text_body, row.html_body) == (
        State.CANCELLED,
        OutboundEmail.REDACTED,
        "",
    )


@pytest.mark.django_db
def test_the_purge_deletes_sent_rows_after_the_retention_period(settings):
    settings.NOTIFICATIONS_RETENTION_DAYS = 30
    now = timezone.now()
    old = now - timedelta(days=31)
    recent = now - timedelta(days=29)
    rows = {
        "old-sent": {"state": State.SENT, "sent_at": old},
        "recent-sent": {"state": State.SENT, "sent_at": recent},
        "old-queued": {"state": State.QUEUED},
        "old-failed": {"state": State.FAILED},
        "old-failed-sensitive": {"state": State.FAILED, "sensitive": True},
    }
    for key, fields in rows.items():
        queue(key)
        OutboundEmail.objects.filter(key=key).update(updated_at=old, **fields)

    assert services.purge() == 2

    kept = set(OutboundEmail.objects.values_list("key", flat=True))
    assert kept == {"recent-sent", "old-queued", "old-failed"}


def test_beat_runs_the_purge(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-purge"]
    assert entry["task"] == "notifications.purge_sent_email"
    from cnca.celery import app

    assert "notifications.purge_sent_email" in app.tasks
