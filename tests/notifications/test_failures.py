"""The outbox against the real services: Postgres, the Redis broker, a real Celery
worker process and a real SMTP server on loopback.

Each test starts its own worker (tests/notifications/conftest.py) on the test
database, so the rows must be committed: ``django_db(transaction=True)``.
"""

import contextlib
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
from django.db import connection, transaction
from django.urls import reverse

from cnca.celery import app as celery_app
from cnca.notifications.models import OutboundEmail
from cnca.notifications.services import queue_email
from cnca.notifications.tasks import relay_queued_email
from tests.factories import StaffUserFactory
from tests.smtp_server import free_port

from .conftest import ROOT, _test_database_url, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

State = OutboundEmail.State


def queue(key, to="ana@oslo.example"):
    return queue_email(
        key=key,
        to=to,
        template="notifications/email/notice",
        context={"subject": f"About {key}", "paragraphs": ["Hello."], "reason": "A test."},
    )


def states():
    return Counter(OutboundEmail.objects.values_list("state", flat=True))


def recovery_worker(celery_worker):
    """A worker with beat running the relay and the sweep every second; a row
    in `sending` for 2 s counts as abandoned (the old worker is dead)."""
    return celery_worker(
        concurrency=2, beat=True, NOTIFICATIONS_RELAY_EVERY=1, NOTIFICATIONS_STUCK_AFTER=2
    )


@contextlib.contextmanager
def broker_at(url):
    """Make this process publish to ``url`` (e.g. a closed port), then restore it."""

    def reset_pools():
        celery_app._pool = None
        with contextlib.suppress(AttributeError, KeyError):
            celery_app.__dict__["amqp"]._producer_pool = None

    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    reset_pools()
    try:
        yield
    finally:
        celery_app.conf.broker_url = saved
        reset_pools()


def test_rolled_back_transaction_sends_nothing(celery_worker, smtp_server):
    worker = celery_worker()

    def announce_then_fail():
        with transaction.atomic():
            queue("rolled-back")
            raise RuntimeError("the change being announced failed")

    with pytest.raises(RuntimeError):
        announce_then_fail()
    with transaction.atomic():
        committed = queue("committed")

    # The worker is alive and sends the committed email...
    assert smtp_server.handler.wait_for(1, timeout=30)
    # ...and a relay run (beat's job) finds nothing else to send.
    relay_queued_email.delay()
    wait_until(
        lambda: re.search(r"notifications\.relay_queued_email\[[^]]+\] succeeded", worker.log()),
        message="the relay to run",
    )
    time.sleep(0.5)
    assert smtp_server.handler.message_ids() == Counter({committed.message_id: 1})
    assert not OutboundEmail.objects.filter(key="rolled-back").exists()


def test_broker_down_at_commit_keeps_the_row_queued_until_the_relay(
    celery_worker, smtp_server, caplog
):
    celery_worker()

    with broker_at(f"redis://127.0.0.1:{free_port()}/0"):
        started = time.monotonic()
        with transaction.atomic():
            row = queue("broker-down")
        # The commit went through; the failed publish was logged, not raised,
        # and it did not hold the caller for long.
        assert time.monotonic() - started < 5

    assert "Could not publish task notifications.send_queued_batch" in caplog.text
    time.sleep(1)
    row.refresh_from_db()
    assert row.state == State.QUEUED
    assert row.attempts == 0
    assert smtp_server.handler.count == 0

    # The broker is back: beat's next relay run sends it.
    relay_queued_email.delay()
    wait_until(lambda: OutboundEmail.objects.get(pk=row.pk).state == State.SENT, message="sent")
    time.sleep(0.5)
    assert smtp_server.handler.message_ids() == Counter({row.message_id: 1})


def test_worker_killed_mid_batch_every_email_still_arrives_exactly_once(celery_worker, smtp_server):
    """SIGKILL a worker while it sends a batch of 200; a new worker finishes the job.

    The SMTP server holds every DATA command once 60 messages are in, so the kill
    lands while the worker waits on the server: the messages in flight are never
    accepted, and no message is between its 250 and its UPDATE to `sent` (a crash
    in that window is the documented way to send twice; see
    docs/email-delivery.md and the next test).
    """
    handler = smtp_server.handler
    handler.hold_after = 60
    worker = celery_worker(concurrency=2)

    with transaction.atomic():
        rows = [queue(f"batch-{n}", to=f"person{n}@example.org") for n in range(200)]

    # Both pool processes wait on the server: neither is between a 250 and its UPDATE.
    wait_until(lambda: handler.held == 2, timeout=60, message="both senders at the gate")
    worker.kill()
    wait_until(lambda: handler.held == 0, timeout=10, message="the dead sessions to close")
    handler.gate.set()

    before = states()
    assert before[State.SENT] >= 60
    assert before[State.SENDING] >= 1  # killed in the middle of sending these
    assert before[State.QUEUED] >= 1  # never reached
    assert handler.count == before[State.SENT]

    # A new worker, with beat: the queued tasks run, the sweep re-queues the
    # rows the dead worker left in `sending`, the relay sends them.
    recovery_worker(celery_worker)
    wait_until(lambda: states()[State.SENT] == 200, timeout=60, message="all 200 sent")
    time.sleep(1)

    received = handler.message_ids()
    assert set(received) == {row.message_id for row in rows}
    assert [mid for mid, n in received.items() if n != 1] == []
    assert handler.count == 200
    assert not OutboundEmail.objects.filter(sent_at__isnull=True).exists()


def test_worker_killed_at_random_no_email_is_lost_and_repeats_keep_their_message_id(
    celery_worker, smtp_server
):
    """The honest limit: a kill at any instant may fall between the server's 250
    and the UPDATE to `sent`; that row is sent again. Nothing is lost, and a
    repeat carries the same Message-ID, so it can be told apart."""
    handler = smtp_server.handler
    worker = celery_worker(concurrency=2)
    with transaction.atomic():
        rows = [queue(f"random-{n}") for n in range(100)]
    assert handler.wait_for(30, timeout=60)
    worker.kill()  # no gate: wherever the worker happens to be

    recovery_worker(celery_worker)
    wait_until(lambda: states()[State.SENT] == 100, timeout=60, message="all 100 sent")
    time.sleep(1)

    received = handler.message_ids()
    assert set(received) == {row.message_id for row in rows}  # none lost
    # At most the rows in flight at the kill (one per pool process) can repeat.
    assert handler.duplicates() <= 2


def test_421_twice_then_accepted_is_sent_once(celery_worker, smtp_server):
    smtp_server.handler.data_replies.extend(["421 4.3.0 Try again later"] * 2)
    celery_worker()

    with transaction.atomic():
        row = queue("greylisted")

    wait_until(lambda: OutboundEmail.objects.get(pk=row.pk).state == State.SENT, message="sent")
    row.refresh_from_db()
    assert row.attempts == 3
    assert smtp_server.handler.refused == 2
    time.sleep(0.5)
    assert smtp_server.handler.message_ids() == Counter({row.message_id: 1})


def test_550_fails_at_once_and_the_admin_shows_the_error(celery_worker, smtp_server, client):
    smtp_server.handler.data_replies.append("550 5.7.1 Relaying denied for this sender")
    celery_worker()

    with transaction.atomic():
        row = queue("refused")

    wait_until(lambda: OutboundEmail.objects.get(pk=row.pk).state == State.FAILED, message="failed")
    row.refresh_from_db()
    assert row.attempts == 1
    assert smtp_server.handler.count == 0

    client.force_login(StaffUserFactory())
    page = client.get(reverse("admin:notifications_outboundemail_change", args=[row.pk]))
    assert page.status_code == 200
    assert "550 5.7.1 Relaying denied for this sender" in page.content.decode()
    changelist = reverse("admin:notifications_outboundemail_changelist")
    listing = client.get(changelist, {"state": "failed"})
    assert "About refused" in listing.content.decode()


def test_same_key_from_two_connections_at_once_is_one_row_and_one_email(celery_worker, smtp_server):
    celery_worker()
    inserted = threading.Event()
    results = {}

    def first():
        try:
            with transaction.atomic():
                results["first"] = queue("race").pk
                inserted.set()
                time.sleep(0.5)  # hold the uncommitted row while the other inserts
        finally:
            connection.close()

    def second():
        try:
            inserted.wait(5)
            started = time.monotonic()
            with transaction.atomic():
                results["second"] = queue("race").pk
            results["waited"] = time.monotonic() - started
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert results["first"] == results["second"]
    assert results["waited"] > 0.3  # it really raced: blocked on the first's insert
    assert OutboundEmail.objects.filter(key="race").count() == 1
    assert smtp_server.handler.wait_for(1, timeout=30)
    time.sleep(1)
    assert smtp_server.handler.count == 1


def test_same_keys_from_two_processes_at_once_are_sent_once_each(
    celery_worker, smtp_server, tmp_path
):
    celery_worker()
    go = tmp_path / "go"
    script = (
        "import django, os, time\n"
        "django.setup()\n"
        "from cnca.notifications.services import queue_email\n"
        f"while not os.path.exists({str(go)!r}): time.sleep(0.005)\n"
        "from django.db import transaction\n"
        "for n in range(20):\n"
        "    with transaction.atomic():\n"
        "        queue_email(key=f'proc-{n}', to='ana@oslo.example',\n"
        "            template='notifications/email/notice',\n"
        "            context={'subject': f'Proc {n}', 'paragraphs': ['Hi.'],\n"
        "                     'reason': 'A test.'})\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cnca.settings",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": _test_database_url(),
    }
    processes = [
        subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env) for _ in range(2)
    ]
    try:
        time.sleep(3)  # both have set Django up and wait for the signal
        go.touch()
        for process in processes:
            assert process.wait(timeout=60) == 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()

    assert OutboundEmail.objects.count() == 20
    assert smtp_server.handler.wait_for(20, timeout=30)
    time.sleep(1)
    counts = smtp_server.handler.message_ids()
    assert len(counts) == 20
    assert set(counts.values()) == {1}
