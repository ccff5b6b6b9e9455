"""Thin Celery wrappers around cnca.notifications.services; they take ids.

Every task is idempotent: the outbox row's state decides what happens, so a
message delivered twice by the broker (acks_late after a lost worker) does no
harm.
"""

import logging

from celery import current_app, shared_task

from . import services
from .conf import conf

logger = logging.getLogger(__name__)


def _connection():
    # A worker keeps its SMTP session for the next task; a web process running
    # the task eagerly (no broker) does not hold one open.
    return None if current_app.conf.task_always_eager else services.kept_connection()


@shared_task(name="notifications.send_queued_batch")
def send_queued_batch(pks):
    """Send the rows one transaction queued (its one publish); schedule their retries."""
    outcome = services.send_batch(pks, connection=_connection())
    for pk, delay in outcome["retries"].items():
        _schedule_retry(pk, delay)


@shared_task(name="notifications.send_email")
def send_email(pk):
    """Send outbox row ``pk``; schedule its retry when a transient failure leaves tries."""
    delay = services.send_email(pk, connection=_connection())
    if delay is not None:
        _schedule_retry(pk, delay)


def _schedule_retry(pk, delay):
    # A short wait rides on the broker; a long one is left to the relay, so no
    # message sits unacknowledged on a worker for long (see visibility_timeout).
    # Running eagerly there is no broker to wait on: the relay retries.
    if current_app.conf.task_always_eager or delay > conf.RETRY_COUNTDOWN_MAX:
        return
    try:
        send_email.apply_async((pk,), countdown=delay)
    except Exception:
        logger.exception("Could not schedule the retry of outbound email %s; the relay will.", pk)


@shared_task(name="notifications.relay_queued_email")
def relay_queued_email():
    """Beat, every minute: send queued rows that are due (lost tasks, retries).

    Celery's soft time limit stops it between two SMTP replies; the rows it
    had claimed and not started go back to the queue (not counted as a try).
    """
    return services.relay()


@shared_task(name="notifications.sweep_stuck_email")
def sweep_stuck_email():
    """Beat, every minute: re-queue rows a dead worker left in `sending`."""
    return services.sweep()


@shared_task(name="notifications.purge_sent_email")
def purge_sent_email():
    """Beat, hourly: delete sent rows older than NOTIFICATIONS_RETENTION_DAYS."""
    return services.purge()
