"""Delivery: claim rows, send them, record the outcome; relay, sweep, purge.

Everything here runs in Celery tasks (tasks.py), the ``send_queued_email``
command or the admin's actions, never inside a request's transaction.

The delivery rule, in one place:

1. A *claim* locks due rows (``SELECT ... FOR UPDATE SKIP LOCKED``), moves them
   to ``sending``, counts the try and stamps them with a fresh claim token; it
   commits before the mail server is contacted.
2. Right before each send, the sender *takes* the row: one conditional UPDATE
   that succeeds only if the row is still ``sending`` under its token (it also
   restarts the row's ``sending_since``). A row the sweep re-queued, and
   perhaps another relay claimed, is skipped: it is no longer ours.
3. The row is marked ``sent`` right after the server's 250 reply, with each
   recipient's reply; a sensitive row's bodies are erased in the same UPDATE.

A sender also checks its time budget before each row and gives back the rows it
will not reach; a time limit (Celery's soft limit, the command's deadline)
stops it at once, leaving only the row in flight to the sweep.
"""

import logging
import random
import time
import uuid
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import smtp
from .conf import conf
from .models import OutboundEmail
from .smtp import PermanentError, classify

logger = logging.getLogger("cnca.notifications")

State = OutboundEmail.State

# How far ahead of its due time a scheduled retry may claim a row: the broker's
# countdown timer and the database clock are not to the millisecond the same.
_DUE_SLACK = timedelta(seconds=2)


class DeadlineReached(Exception):
    """Raised (from a timer signal) when ``send_queued_email`` reaches its hard deadline."""


# What stops a sender at once. Neither is the mail server's fault, so neither
# counts as a failed try.
STOP = (SoftTimeLimitExceeded, DeadlineReached)


def retry_delay(attempts):
    """Seconds to wait after try number ``attempts`` failed: exponential, with jitter."""
    base = conf.RETRY_BASE * 2 ** max(attempts - 1, 0)
    return min(base, conf.RETRY_MAX) * random.uniform(0.5, 1.5)  # noqa: S311


def _due():
    return Q(state=State.QUEUED, next_attempt_at__lte=timezone.now() + _DUE_SLACK)


# --- Claims -------------------------------------------------------------------------


def claim(queryset, limit):
    """Lock up to ``limit`` due rows of ``queryset``, mark them sending, commit.

    Rows whose tries are used up (a worker died sending them that often) are
    failed instead of claimed: a message that kills its worker cannot loop.
    Returns the claimed rows, each carrying the claim's token.
    """
    now = timezone.now()
    token = uuid.uuid4()
    with transaction.atomic():
        rows = list(
            queryset.select_for_update(skip_locked=True)
            .filter(_due())
            .order_by("next_attempt_at", "id")[:limit]
        )
        if not rows:
            return []
        used_up = [row.pk for row in rows if row.attempts >= conf.MAX_ATTEMPTS]
        if used_up:
            OutboundEmail.objects.filter(pk__in=used_up).update(
                state=State.FAILED, sending_since=None, claim_token=None, updated_at=now
            )
            for pk in used_up:
                logger.error("Outbound email %s failed: no tries left.", pk)
        claimed = [row for row in rows if row.pk not in used_up]
        OutboundEmail.objects.filter(pk__in=[row.pk for row in claimed]).update(
            state=State.SENDING,
            attempts=F("attempts") + 1,
            sending_since=now,
            claim_token=token,
            updated_at=now,
        )
    for row in claimed:
        row.state = State.SENDING
        row.attempts += 1
        row.sending_since = now
        row.claim_token = token
    return claimed


def _ours(row):
    return OutboundEmail.objects.filter(pk=row.pk, state=State.SENDING, claim_token=row.claim_token)


def take(row):
    """True if ``row`` is still ours to send (and restart its clock); False if it was taken."""
    now = timezone.now()
    if _ours(row).update(sending_since=now, updated_at=now):
        row.sending_since = now
        return True
    logger.warning(
        "Outbound email %s is no longer ours (re-queued by the sweep, or cancelled): not sent.",
        row.pk,
    )
    return False


def release(rows):
    """Give claimed rows we will not send back to the queue; their try did not happen."""
    if not rows:
        return 0
    now = timezone.now()
    count = 0
    for token in {row.claim_token for row in rows}:
        count += OutboundEmail.objects.filter(
            pk__in=[row.pk for row in rows if row.claim_token == token],
            state=State.SENDING,
            claim_token=token,
        ).update(
            state=State.QUEUED,
            attempts=F("attempts") - 1,
            next_attempt_at=now,
            sending_since=None,
            claim_token=None,
            updated_at=now,
        )
    for row in rows:
        row.state = State.QUEUED
    return count


# --- Sending ------------------------------------------------------------------------


def deliver(row, connection):
    """Take one claimed row, send it through ``connection``, record the outcome.

    Returns the delay in seconds before a retry is due when the failure was
    transient and tries remain, else None. A row that is no longer ours is not
    sent (its ``state`` attribute is left as claimed).
    """
    if not take(row):
        row.state = None
        return None
    try:
        results = smtp.send(smtp.build_message(row), connection)
    except STOP:
        raise
    except Exception as exc:
        # The session's state is unknown after a failure (a 421 closes it):
        # the next send opens a fresh one.
        smtp.close_quietly(connection)
        return record_failure(row, classify(exc))
    _record_sent(row, results)
    return None


def _record_sent(row, results):
    now = timezone.now()
    refused = {address: reply for address, reply in results.items() if reply != smtp.ACCEPTED}
    note = ""
    if refused:
        note = "Refused by the server: " + "; ".join(f"{a}: {r}" for a, r in refused.items())
    changes = {
        "state": State.SENT,
        "sent_at": now,
        "updated_at": now,
        "sending_since": None,
        "claim_token": None,
        "results": results,
        "last_error": note,
    }
    if row.sensitive:
        changes.update(text_body=OutboundEmail.REDACTED, html_body="", headers={})
    # Straight after the server said 250: the window in which a crash would
    # leave a delivered row in `sending` is this one UPDATE. Conditional on the
    # token, like every write of a sender.
    _ours(row).update(**changes)
    for name, value in changes.items():
        setattr(row, name, value)
    if refused:
        logger.warning("Outbound email %s sent; some recipients refused: %s", row.pk, note)
    logger.info("Sent outbound email %s (%s) to %s.", row.pk, row.message_id, row.to_display)


def record_failure(row, error):
    now = timezone.now()
    text = str(error)[:2000]
    if isinstance(error, PermanentError) or row.attempts >= conf.MAX_ATTEMPTS:
        _ours(row).update(
            state=State.FAILED,
            last_error=text,
            sending_since=None,
            claim_token=None,
            updated_at=now,
        )
        row.state = State.FAILED
        logger.error("Outbound email %s failed after %s tries: %s", row.pk, row.attempts, text)
        return None
    delay = retry_delay(row.attempts)
    _ours(row).update(
        state=State.QUEUED,
        last_error=text,
        next_attempt_at=now + timedelta(seconds=delay),
        sending_since=None,
        claim_token=None,
        updated_at=now,
    )
    row.state = State.QUEUED
    logger.warning(
        "Outbound email %s, try %s, failed (%s); next try in %.1f s.",
        row.pk,
        row.attempts,
        text,
        delay,
    )
    return delay


def _send_claimed(rows, connection, *, deadline, outcome, retries):
    """Send claimed ``rows`` in order until done or ``deadline`` (monotonic) passes.

    Rows not reached are given back. A STOP exception gives back every row not
    yet started and leaves the one in flight to the sweep (its server may have
    accepted it), then propagates.
    """
    for index, row in enumerate(rows):
        if deadline is not None and time.monotonic() >= deadline:
            release(rows[index:])
            outcome[State.QUEUED.value] += len(rows) - index
            return
        try:
            delay = deliver(row, connection)
        except STOP as stop:
            smtp.abort(connection)
            release(rows[index + 1 :])
            _ours(row).update(
                last_error=f"Stopped by a time limit ({type(stop).__name__}) while sending; "
                "the sweep re-queues it."
            )
            logger.warning(
                "Sending stopped by %s; %s claimed rows given back, row %s left to the sweep.",
                type(stop).__name__,
                len(rows) - index - 1,
                row.pk,
            )
            raise
        if row.state is None:
            outcome["skipped"] += 1
            continue
        outcome[row.state] += 1
        if delay is not None:
            retries[row.pk] = delay


def _outcome():
    return {State.SENT.value: 0, State.QUEUED.value: 0, State.FAILED.value: 0, "skipped": 0}


def send_email(pk, *, connection=None):
    """Send queued row ``pk`` if it is due and no one else holds it.

    Sends through ``connection`` and leaves it open, or else through a new one
    it closes. Returns the delay before the next try when a transient failure
    left tries, else None. Does nothing for a row that is sent, failed,
    cancelled, being sent by another worker, or not yet due.

    Call it outside any transaction (tasks, commands): the claim must be
    committed before the mail server is contacted.
    """
    retries = send_batch([pk], connection=connection)["retries"]
    return retries.get(pk)


def send_batch(pks, *, connection=None):
    """Send the due rows among ``pks`` (the rows one transaction queued) over one connection.

    Returns the outcome counts and ``retries``: ``{pk: delay}`` for rows a
    transient failure put back with tries left.
    """
    outcome = _outcome()
    retries = {}
    rows = claim(OutboundEmail.objects.filter(pk__in=list(pks)), len(pks))
    if rows:
        own = connection is None
        connection = connection or smtp.new_connection()
        try:
            _send_claimed(
                rows,
                connection,
                deadline=time.monotonic() + conf.RELAY_BUDGET,
                outcome=outcome,
                retries=retries,
            )
        finally:
            if own:
                smtp.close_quietly(connection)
    return {**outcome, "retries": retries}


def relay(*, batch=None, budget=None, limit=None, connection=None):
    """Send every due queued row: those whose task never ran, and retries now due.

    Claims ``batch`` rows at a time and sends them over one connection, until
    none is due, ``limit`` rows were handled, or ``budget`` seconds have passed
    (checked before each row). Safe to run in many processes at once. Returns
    how many rows ended in each state: ``{"sent": 12, "queued": 1, "failed": 0,
    "skipped": 0}`` (queued: a retry is due later, or the budget ran out;
    skipped: taken from us by the sweep).
    """
    batch = batch or conf.RELAY_BATCH
    budget = conf.RELAY_BUDGET if budget is None else budget
    deadline = time.monotonic() + budget
    outcome = _outcome()
    handled = 0
    while time.monotonic() < deadline and (limit is None or handled < limit):
        size = batch if limit is None else min(batch, limit - handled)
        rows = claim(OutboundEmail.objects.all(), size)
        if not rows:
            break
        handled += len(rows)
        own = connection is None
        session = connection or smtp.new_connection()
        try:
            try:
                session.open()
            except STOP:
                release(rows)
                raise
            except Exception as exc:
                # Server unreachable: every claimed row still ours counts a failed try.
                error = classify(exc)
                for row in rows:
                    if take(row):
                        record_failure(row, error)
                        outcome[row.state] += 1
                continue
            _send_claimed(rows, session, deadline=deadline, outcome=outcome, retries={})
        finally:
            if own:
                smtp.close_quietly(session)
    return outcome


# --- Recovery and housekeeping ------------------------------------------------------


def sweep(*, stuck_after=None):
    """Put rows left in `sending` by a dead worker back in the queue.

    A row whose send started more than ``stuck_after`` seconds ago (default
    NOTIFICATIONS_STUCK_AFTER) lost its worker; a sender restarts the clock of
    each row as it takes it, so rows still waiting in a slow batch are swept,
    and their sender, finding the token gone, skips them. A row's try was
    counted when it was claimed; if that was the last one it fails here.
    Returns the number re-queued.

    The server may have accepted a row whose worker died between the 250 reply
    and the UPDATE to `sent`: sending it again is the one way an email can
    arrive twice, and it then carries the same Message-ID. See
    docs/email-delivery.md.
    """
    stuck_after = conf.STUCK_AFTER if stuck_after is None else stuck_after
    now = timezone.now()
    stuck = Q(state=State.SENDING, sending_since__lt=now - timedelta(seconds=stuck_after))
    failed = OutboundEmail.objects.filter(stuck, attempts__gte=conf.MAX_ATTEMPTS).update(
        state=State.FAILED,
        last_error="The worker sending it stopped (killed or timed out) on the last try.",
        sending_since=None,
        claim_token=None,
        updated_at=now,
    )
    requeued = OutboundEmail.objects.filter(stuck).update(
        state=State.QUEUED,
        last_error="Re-queued: the worker sending it stopped (killed or timed out).",
        next_attempt_at=now,
        sending_since=None,
        claim_token=None,
        updated_at=now,
    )
    if failed or requeued:
        logger.warning(
            "Sweep: %s outbound emails re-queued, %s failed after their worker stopped.",
            requeued,
            failed,
        )
    return requeued


def purge(*, days=None):
    """Delete sent rows older than ``days`` (NOTIFICATIONS_RETENTION_DAYS), and sensitive
    rows that ended otherwise (failed, cancelled) as long ago. Returns the number deleted.

    A purged key can be queued again: keys name one-off events, and no service
    queues the same event weeks later (docs/decisions/0014).
    """
    days = conf.RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    old_sent = Q(state=State.SENT, sent_at__lt=cutoff)
    old_sensitive = Q(
        sensitive=True, state__in=[State.FAILED, State.CANCELLED], updated_at__lt=cutoff
    )
    deleted, _ = OutboundEmail.objects.filter(old_sent | old_sensitive).delete()
    if deleted:
        logger.info("Purged %s outbound emails older than %s days.", deleted, days)
    return deleted
