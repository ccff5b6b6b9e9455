"""Sending through a real SMTP server on loopback, from this process.

The worker-process versions of these are in test_failures.py; here the services
are driven directly, so each step of the state machine can be checked.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from cnca.notifications import delivery, services
from cnca.notifications.models import OutboundEmail
from cnca.notifications.services import queue_email
from tests.smtp_server import free_port

pytestmark = pytest.mark.django_db

State = OutboundEmail.State


def make_row(key="k1", to="ana@oslo.example", **fields):
    row = queue_email(
        key=key,
        to=to,
        template="notifications/email/notice",
        context={"subject": f"Hello {key}", "paragraphs": ["Hi."], "reason": "A test."},
    )
    if fields:
        OutboundEmail.objects.filter(pk=row.pk).update(**fields)
        row.refresh_from_db()
    return row


def make_due(row):
    OutboundEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())


def test_sends_once_with_the_stored_message_id(smtp_mailer):
    row = make_row()

    assert services.send_email(row.pk) is None

    row.refresh_from_db()
    assert row.state == State.SENT
    assert row.attempts == 1
    assert row.sent_at is not None
    assert row.sending_since is None
    assert smtp_mailer.handler.count == 1
    received = smtp_mailer.handler.accepted[0]
    assert received["message_id"] == row.message_id
    assert received["to"] == ["ana@oslo.example"]
    assert received["subject"] == "Hello k1"
    parts = {part.get_content_type() for part in smtp_mailer.handler.message(0).walk()}
    assert {"text/plain", "text/html"} <= parts


def test_a_sent_row_is_never_sent_again(smtp_mailer):
    row = make_row()
    services.send_email(row.pk)
    services.send_email(row.pk)
    services.relay()
    assert smtp_mailer.handler.count == 1


def test_a_row_held_by_another_worker_is_left_alone(smtp_mailer):
    row = make_row(state=State.SENDING, sending_since=timezone.now(), attempts=1)
    services.send_email(row.pk)
    services.relay()
    assert smtp_mailer.handler.count == 0
    row.refresh_from_db()
    assert row.state == State.SENDING


def test_421_twice_then_accepted_is_sent_once_after_retries(smtp_mailer, settings):
    settings.NOTIFICATIONS_RETRY_BASE = 10
    smtp_mailer.handler.data_replies.extend(["421 4.3.0 Try again later"] * 2)
    row = make_row()

    first_delay = services.send_email(row.pk)
    row.refresh_from_db()
    assert row.state == State.QUEUED
    assert row.attempts == 1
    assert "421" in row.last_error
    assert 5 <= first_delay <= 15  # base 10 s, jitter +-50 %
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=3)

    # Not due yet: neither the task nor the relay sends it.
    assert services.send_email(row.pk) is None
    services.relay()
    row.refresh_from_db()
    assert row.attempts == 1

    make_due(row)
    second_delay = services.send_email(row.pk)
    assert 10 <= second_delay <= 30  # doubled
    make_due(row)
    assert services.send_email(row.pk) is None

    row.refresh_from_db()
    assert row.state == State.SENT
    assert row.attempts == 3
    assert row.last_error == ""
    assert smtp_mailer.handler.refused == 2
    assert smtp_mailer.handler.count == 1


def test_550_fails_at_once_with_the_error(smtp_mailer):
    smtp_mailer.handler.data_replies.append("550 5.7.1 Message rejected as spam")
    row = make_row()

    assert services.send_email(row.pk) is None

    row.refresh_from_db()
    assert row.state == State.FAILED
    assert row.attempts == 1
    assert "550" in row.last_error
    assert "rejected as spam" in row.last_error
    assert smtp_mailer.handler.count == 0


def test_a_refused_recipient_fails_at_once(smtp_mailer):
    smtp_mailer.handler.rcpt_reply = "550 5.1.1 No such user here"
    row = make_row()
    services.send_email(row.pk)
    row.refresh_from_db()
    assert row.state == State.FAILED
    assert "No such user" in row.last_error
    assert "ana@oslo.example" in row.last_error


def test_a_recipient_refused_for_now_is_retried(smtp_mailer):
    smtp_mailer.handler.rcpt_reply = "450 4.2.1 Mailbox busy"
    row = make_row()
    services.send_email(row.pk)
    row.refresh_from_db()
    assert row.state == State.QUEUED
    assert "450" in row.last_error


def test_an_invalid_address_fails_without_contacting_the_server(smtp_mailer):
    row = make_row(to="not an address")
    services.send_email(row.pk)
    row.refresh_from_db()
    assert row.state == State.FAILED
    assert "Invalid recipient address" in row.last_error
    assert smtp_mailer.handler.count == 0


def test_connection_refused_is_retried_then_fails_after_the_last_try(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "cnca.notifications.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    row = make_row()
    for attempt in (1, 2):
        assert services.send_email(row.pk) is not None
        row.refresh_from_db()
        assert (row.state, row.attempts) == (State.QUEUED, attempt)
        assert "Connection refused" in row.last_error or "ConnectionRefused" in row.last_error
        make_due(row)
    assert services.send_email(row.pk) is None
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.FAILED, 3)


def test_backoff_grows_exponentially_with_jitter_and_a_cap(settings):
    settings.NOTIFICATIONS_RETRY_BASE = 30
    settings.NOTIFICATIONS_RETRY_MAX = 600
    for attempts, middle in [(1, 30), (2, 60), (3, 120), (5, 480), (9, 600)]:
        delays = [delivery.retry_delay(attempts) for _ in range(200)]
        assert min(delays) >= middle * 0.5
        assert max(delays) <= middle * 1.5
        assert max(delays) - min(delays) > middle * 0.2  # jittered, not fixed


def test_relay_sends_due_rows_only(smtp_mailer):
    due = [make_row(key=f"due-{n}") for n in range(3)]
    later = make_row(key="later", next_attempt_at=timezone.now() + timedelta(hours=1))
    cancelled = make_row(key="cancelled", state=State.CANCELLED)
    failed = make_row(key="failed", state=State.FAILED)

    outcome = services.relay(batch=2)

    assert outcome == {"sent": 3, "queued": 0, "failed": 0, "skipped": 0}
    assert sorted(smtp_mailer.handler.message_ids()) == sorted(row.message_id for row in due)
    for row in (later, cancelled, failed):
        state = row.state
        row.refresh_from_db()
        assert row.state == state


def test_relay_recovers_after_a_421_in_the_middle_of_a_batch(smtp_mailer):
    rows = [make_row(key=f"r{n}") for n in range(4)]
    smtp_mailer.handler.data_replies.append("421 4.3.2 Shutting down")
    outcome = services.relay(batch=4)
    assert outcome == {"sent": 3, "queued": 1, "failed": 0, "skipped": 0}
    assert smtp_mailer.handler.count == 3
    # The first row met the 421 and waits for its retry; the session was reopened
    # for the three after it.
    states = {row.key: row.state for row in OutboundEmail.objects.all()}
    assert states == {"r0": "queued", "r1": "sent", "r2": "sent", "r3": "sent"}
    rows[0].refresh_from_db()
    assert "421" in rows[0].last_error


def test_sweep_requeues_rows_a_dead_worker_left_in_sending(settings):
    settings.NOTIFICATIONS_STUCK_AFTER = 600
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    long_ago = timezone.now() - timedelta(minutes=11)
    stuck = make_row(key="stuck", state=State.SENDING, sending_since=long_ago, attempts=1)
    live = make_row(key="live", state=State.SENDING, sending_since=timezone.now(), attempts=1)
    last_try = make_row(key="last", state=State.SENDING, sending_since=long_ago, attempts=3)

    assert services.sweep() == 1

    stuck.refresh_from_db()
    live.refresh_from_db()
    last_try.refresh_from_db()
    assert stuck.state == State.QUEUED
    assert stuck.attempts == 1  # the lost try was counted when it was claimed
    assert "Re-queued" in stuck.last_error
    assert live.state == State.SENDING
    assert last_try.state == State.FAILED
    assert "last try" in last_try.last_error


def test_a_row_whose_tries_are_used_up_is_failed_not_sent(smtp_mailer, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    row = make_row(attempts=2)
    services.send_email(row.pk)
    row.refresh_from_db()
    assert row.state == State.FAILED
    assert smtp_mailer.handler.count == 0


def test_the_management_command_sweeps_then_relays(smtp_mailer):
    queued = make_row(key="queued")
    stuck = make_row(
        key="stuck",
        state=State.SENDING,
        sending_since=timezone.now() - timedelta(hours=1),
        attempts=1,
    )
    out = []
    call_command("send_queued_email", stdout=_Writer(out))

    queued.refresh_from_db()
    stuck.refresh_from_db()
    assert queued.state == stuck.state == State.SENT
    assert stuck.attempts == 2
    assert smtp_mailer.handler.count == 2
    assert "Re-queued 1 stuck; sent 2, to retry 0, failed 0, skipped 0." in "".join(out)


def test_the_management_command_respects_its_limit(smtp_mailer):
    for n in range(3):
        make_row(key=f"n{n}")
    call_command("send_queued_email", "--limit", "2", stdout=_Writer([]))
    assert smtp_mailer.handler.count == 2
    assert OutboundEmail.objects.filter(state=State.QUEUED).count() == 1


def test_retry_and_cancel_services():
    failed = make_row(key="f", state=State.FAILED, attempts=5, last_error="550 no")
    queued = make_row(key="q")
    sent = make_row(key="s", state=State.SENT, sent_at=timezone.now())

    assert services.retry(OutboundEmail.objects.all()) == 1
    assert services.cancel(OutboundEmail.objects.exclude(pk=failed.pk)) == 1

    failed.refresh_from_db()
    queued.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.state, failed.attempts) == (State.QUEUED, 0)
    assert queued.state == State.CANCELLED
    assert sent.state == State.SENT


class _Writer:
    def __init__(self, sink):
        self.sink = sink

    def write(self, text):
        self.sink.append(text)

    def flush(self):
        pass
