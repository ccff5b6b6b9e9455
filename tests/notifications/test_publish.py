"""One broker publish per transaction, with short timeouts; queue_email needs a transaction.

The broker in the hanging test is a socket that accepts the TCP connection and
never answers a byte: the worst case for a client, worse than a refused port.
"""

import contextlib
import logging
import socket
import time

import pytest
from django.db import transaction

from cnca.celery import app as celery_app
from cnca.notifications.models import OutboundEmail
from cnca.notifications.queueing import _SendOnCommit
from cnca.notifications.services import queue_email
from cnca.servicekit import NotInTransaction

TEMPLATE = "notifications/email/notice"
CONTEXT = {"subject": "Hello", "paragraphs": ["Hi."], "reason": "A test."}


@pytest.fixture
def hanging_broker():
    """Celery publishes to a socket that accepts connections and never replies."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)  # the kernel completes the handshakes; nobody reads
        url = f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
        saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
        celery_app.conf.broker_url = url
        celery_app.conf.task_always_eager = False
        celery_app._pool = None
        try:
            yield url
        finally:
            celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
            with contextlib.suppress(Exception):
                celery_app.pool.force_close_all()
            celery_app._pool = None


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.notifications.urls_three_emails")
def test_a_request_queueing_three_emails_returns_fast_with_a_hung_broker(
    client, hanging_broker, caplog
):
    caplog.set_level(logging.ERROR, logger="cnca.servicekit")
    started = time.monotonic()
    response = client.post("/announce/")
    took = time.monotonic() - started

    assert response.status_code == 200
    # One publish for the three emails, cut short by its timeouts (0.5 s each);
    # before, each email published on its own with a 10 s socket timeout: 30 s.
    assert took < 2.0, f"the request took {took:.1f} s"
    attempts = [r for r in caplog.records if "Could not publish task" in r.getMessage()]
    assert len(attempts) == 1
    assert "notifications.send_queued_batch" in attempts[0].getMessage()
    # The rows are committed and wait for the relay.
    states = list(OutboundEmail.objects.values_list("state", flat=True))
    assert states == ["queued"] * 3


@pytest.mark.django_db
def test_one_transaction_registers_one_publish_carrying_every_row(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        rows = [
            queue_email(key=f"k{n}", to="a@example.org", template=TEMPLATE, context=CONTEXT)
            for n in range(3)
        ]
        queue_email(key="k0", to="a@example.org", template=TEMPLATE, context=CONTEXT)  # repeat
    assert len(callbacks) == 1
    publish = callbacks[0].func
    assert isinstance(publish, _SendOnCommit)
    assert publish.pks == [row.pk for row in rows]


@pytest.mark.django_db
def test_rows_queued_in_a_rolled_back_savepoint_are_not_sent(
    django_capture_on_commit_callbacks, eager_celery
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        kept = queue_email(key="kept", to="a@example.org", template=TEMPLATE, context=CONTEXT)
        with contextlib.suppress(RuntimeError), transaction.atomic():
            queue_email(key="lost", to="b@example.org", template=TEMPLATE, context=CONTEXT)
            raise RuntimeError("this part of the change failed")
    kept.refresh_from_db()
    assert kept.state == OutboundEmail.State.SENT
    assert list(OutboundEmail.objects.values_list("key", flat=True)) == ["kept"]


@pytest.mark.django_db(transaction=True)
def test_queue_email_refuses_to_run_outside_a_transaction():
    with pytest.raises(NotInTransaction):
        queue_email(key="k", to="a@example.org", template=TEMPLATE, context=CONTEXT)
    assert not OutboundEmail.objects.exists()
