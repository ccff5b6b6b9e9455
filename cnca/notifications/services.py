"""Every operation on the outbox: queue, send, retry, relay, sweep, cancel.

Apps call :func:`queue_email` inside the transaction of the change the email
announces. Everything else here runs in Celery tasks (cnca/notifications/
tasks.py), the ``send_queued_email`` command or the admin.

The delivery rule, in one place: a row is *claimed* (locked with
``SELECT ... FOR UPDATE SKIP LOCKED``, moved to ``sending``, its try counted)
and that is committed *before* the mail server is contacted; it is marked
``sent`` right after the server accepts it. Two workers therefore never send
one row at the same time, a sent row is never sent again, and a worker that
dies leaves the row in ``sending`` for the sweep, which counts it as a try.
"""

import contextlib
import logging
import random
import smtplib
import threading
import time
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, make_msgid
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutboundEmail

logger = logging.getLogger(__name__)

State = OutboundEmail.State

# How far ahead of its due time a scheduled retry may claim a row: the broker's
# countdown timer and the database clock are not to the millisecond the same.
_DUE_SLACK = timedelta(seconds=2)


# --- Queueing -------------------------------------------------------------------


def queue_email(*, key, to, template, context, related=None):
    """Put an email in the outbox, to be sent once the caller's transaction commits.

    ``key`` names the email uniquely (e.g. ``"loi-submitted:proposal=42:user=7"``):
    a key already in the outbox returns the existing row and sends nothing again,
    whatever that row's state. ``to`` is an address or a list of addresses.
    ``template`` is a template path without extension: ``<template>.subject.txt``,
    ``<template>.txt`` and ``<template>.html`` are rendered with ``context``,
    which must give ``reason``: why this person gets the email (shown in the
    footer). ``related`` is the model instance the email is about, if any.

    Returns the row. Safe when two processes queue one key at the same moment:
    one row, one email.
    """
    existing = OutboundEmail.objects.filter(key=key).first()
    if existing is not None:
        return existing

    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        raise ValueError("queue_email needs at least one recipient.")
    if not context.get("reason"):
        raise ValueError(
            "queue_email needs context['reason']: the footer tells the reader why they "
            "get this email."
        )
    subject, text_body, html_body = render_email(template, context)

    row = OutboundEmail(
        key=key,
        to=", ".join(address.strip() for address in recipients),
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        template=template,
        message_id=make_msgid(domain=settings.NOTIFICATIONS_MESSAGE_ID_DOMAIN),
    )
    if related is not None:
        row.content_type = ContentType.objects.get_for_model(related)
        row.object_id = str(related.pk)
    try:
        # A savepoint: a duplicate key must not spoil the caller's transaction.
        # With two processes at once, the second INSERT waits on the unique index
        # until the first commits, then fails here and returns the first's row.
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        existing = OutboundEmail.objects.filter(key=key).first()
        if existing is None:
            raise
        return existing
    transaction.on_commit(partial(_publish_send, row.pk))
    return row


def render_email(template, context):
    """The subject, text and HTML of ``template`` rendered with ``context``."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"{template}.subject.txt", context)
    # One line, whatever the template's whitespace: a header cannot hold a newline.
    subject = " ".join(subject.split())[:300]
    text_body = render_to_string(f"{template}.txt", context).strip() + "\n"
    html_body = render_to_string(f"{template}.html", context)
    return subject, text_body, html_body


def _publish_send(pk):
    """Ask a worker to send row ``pk``. Runs on commit; must never raise.

    If the broker is down the row simply stays queued and the relay (beat, every
    minute, or the ``send_queued_email`` command) sends it later.
    """
    from .tasks import send_email

    try:
        send_email.delay(pk)
    except Exception:
        logger.exception(
            "Could not hand outbound email %s to the broker; the relay will send it.", pk
        )


# --- Sending ---------------------------------------------------------------------


class TransientError(Exception):
    """Worth trying again later (the server or the network had a bad moment)."""


class PermanentError(Exception):
    """Trying again cannot help (the server refused the message or an address)."""


def classify(error):
    """Sort a sending exception into :class:`TransientError` or :class:`PermanentError`."""
    if isinstance(error, (TransientError, PermanentError)):
        return error
    message = f"{type(error).__name__}: {error}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        detail = "; ".join(
            f"{address}: {code} {_text(reply)}"
            for address, (code, reply) in error.recipients.items()
        )
        message = f"Recipients refused: {detail}"
        if codes and all(code >= 500 for code in codes):
            return PermanentError(message)
        return TransientError(message)
    if isinstance(error, smtplib.SMTPResponseException):
        message = f"{type(error).__name__}: {error.smtp_code} {_text(error.smtp_error)}"
        if 500 <= error.smtp_code < 600:
            return PermanentError(message)
        return TransientError(message)
    if isinstance(error, (smtplib.SMTPServerDisconnected, OSError)):
        # Connection refused or reset, DNS failure, timeout.
        return TransientError(message)
    if isinstance(error, (ValidationError, ValueError, UnicodeError)):
        # An address or header the message cannot carry.
        return PermanentError(message)
    # Anything else is a surprise; try again, a bounded number of times.
    return TransientError(message)


def _text(reply):
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def retry_delay(attempts):
    """Seconds to wait after try number ``attempts`` failed: exponential, with jitter."""
    base = settings.NOTIFICATIONS_RETRY_BASE * 2 ** max(attempts - 1, 0)
    return min(base, settings.NOTIFICATIONS_RETRY_MAX) * random.uniform(0.5, 1.5)  # noqa: S311


def build_message(row):
    """The EmailMultiAlternatives for ``row``, carrying its stored Message-ID."""
    recipients = row.recipients
    if not recipients:
        raise PermanentError("The email has no recipient.")
    for address in recipients:
        try:
            validate_email(address)
        except ValidationError:
            raise PermanentError(f"Invalid recipient address: {address!r}") from None
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        headers={"Message-ID": row.message_id},
    )
    if row.html_body:
        message.attach_alternative(row.html_body, "text/html")
    return message


def _due():
    return Q(state=State.QUEUED, next_attempt_at__lte=timezone.now() + _DUE_SLACK)


def _claim(queryset, limit):
    """Lock up to ``limit`` due rows of ``queryset``, mark them sending, commit.

    Rows whose tries are used up (a worker died sending them that often) are
    failed instead of claimed: a message that kills its worker cannot loop.
    Returns the claimed rows.
    """
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            queryset.select_for_update(skip_locked=True)
            .filter(_due())
            .order_by("next_attempt_at", "id")[:limit]
        )
        if not rows:
            return []
        used_up = [row.pk for row in rows if row.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS]
        if used_up:
            OutboundEmail.objects.filter(pk__in=used_up).update(
                state=State.FAILED, sending_since=None, updated_at=now
            )
            for pk in used_up:
                logger.error("Outbound email %s failed: no tries left.", pk)
        claimed = [row for row in rows if row.pk not in used_up]
        OutboundEmail.objects.filter(pk__in=[row.pk for row in claimed]).update(
            state=State.SENDING,
            attempts=F("attempts") + 1,
            sending_since=now,
            updated_at=now,
        )
    for row in claimed:
        row.state = State.SENDING
        row.attempts += 1
        row.sending_since = now
    return claimed


def _deliver(row, connection):
    """Send one claimed row through ``connection`` and record the outcome.

    Returns the delay in seconds before a retry is due when the failure was
    transient and tries remain, else None.
    """
    try:
        message = build_message(row)
        connection.open()  # no-op when the session is open already
        connection.send_messages([message])
    except Exception as exc:
        # The session's state is unknown after a failure (a 421 closes it):
        # the next send opens a fresh one.
        _close_quietly(connection)
        return _record_failure(row, classify(exc))
    now = timezone.now()
    # Straight after the server said 250: the window in which a crash would
    # leave a delivered row in `sending` is this one UPDATE.
    OutboundEmail.objects.filter(pk=row.pk, state__in=[State.SENDING, State.QUEUED]).update(
        state=State.SENT, sent_at=now, updated_at=now, sending_since=None, last_error=""
    )
    row.state = State.SENT
    logger.info("Sent outbound email %s (%s) to %s.", row.pk, row.message_id, row.to)
    return None


def _record_failure(row, error):
    now = timezone.now()
    text = str(error)[:2000]
    if isinstance(error, PermanentError) or row.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        OutboundEmail.objects.filter(pk=row.pk, state=State.SENDING).update(
            state=State.FAILED, last_error=text, sending_since=None, updated_at=now
        )
        row.state = State.FAILED
        logger.error("Outbound email %s failed after %s tries: %s", row.pk, row.attempts, text)
        return None
    delay = retry_delay(row.attempts)
    OutboundEmail.objects.filter(pk=row.pk, state=State.SENDING).update(
        state=State.QUEUED,
        last_error=text,
        next_attempt_at=now + timedelta(seconds=delay),
        sending_since=None,
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


def _connection():
    return mail.mailers[settings.NOTIFICATIONS_MAILER]


_kept = threading.local()


def kept_connection():
    """A mail connection this process keeps open from one task to the next.

    Opening an SMTP session (TCP, EHLO, perhaps TLS and AUTH) costs more than
    sending one email over it; a worker that sends one email per task reuses
    its session. One idle for NOTIFICATIONS_SMTP_KEEPALIVE seconds is closed
    first, as servers drop idle sessions.
    """
    now = time.monotonic()
    connection = getattr(_kept, "connection", None)
    if connection is not None and now - _kept.used > settings.NOTIFICATIONS_SMTP_KEEPALIVE:
        _close_quietly(connection)
    if connection is None:
        connection = _kept.connection = _connection()
    _kept.used = now
    return connection


def send_email(pk, *, connection=None):
    """Send queued row ``pk`` if it is due and no one else holds it.

    Sends through ``connection`` and leaves it open, or else through a new one
    it closes. Returns the delay before the next try when a transient failure
    left tries, else None. Does nothing for a row that is sent, failed,
    cancelled, being sent by another worker, or not yet due.

    Call it outside any transaction (tasks, commands): the claim must be
    committed before the mail server is contacted.
    """
    claimed = _claim(OutboundEmail.objects.filter(pk=pk), 1)
    if not claimed:
        return None
    if connection is not None:
        return _deliver(claimed[0], connection)
    connection = _connection()
    try:
        return _deliver(claimed[0], connection)
    finally:
        _close_quietly(connection)


def relay(*, batch=None, budget=None, limit=None):
    """Send every due queued row: those whose task never ran, and retries now due.

    Claims ``batch`` rows at a time and sends them over one connection, until
    none is due, ``limit`` rows were handled, or ``budget`` seconds have passed.
    Safe to run in many processes at once. Returns how many rows ended in each
    state: ``{"sent": 12, "queued": 1, "failed": 0}`` (queued: a retry is due later).
    """
    batch = batch or settings.NOTIFICATIONS_RELAY_BATCH
    budget = settings.NOTIFICATIONS_RELAY_BUDGET if budget is None else budget
    deadline = time.monotonic() + budget
    outcome = {State.SENT.value: 0, State.QUEUED.value: 0, State.FAILED.value: 0}
    handled = 0
    while time.monotonic() < deadline and (limit is None or handled < limit):
        size = batch if limit is None else min(batch, limit - handled)
        rows = _claim(OutboundEmail.objects.all(), size)
        if not rows:
            break
        connection = _connection()
        try:
            connection.open()
        except Exception as exc:
            # Server unreachable: every claimed row counts a failed try.
            error = classify(exc)
            for row in rows:
                _record_failure(row, error)
                outcome[row.state] += 1
            handled += len(rows)
            continue
        try:
            for row in rows:
                _deliver(row, connection)
                outcome[row.state] += 1
                handled += 1
        finally:
            _close_quietly(connection)
    return outcome


def _close_quietly(connection):
    with contextlib.suppress(Exception):
        connection.close()


def sweep(*, stuck_after=None):
    """Put rows left in `sending` by a dead worker back in the queue.

    A row in `sending` longer than ``stuck_after`` seconds (default
    NOTIFICATIONS_STUCK_AFTER) lost its worker. Its try was counted when it was
    claimed; if that was the last one it fails here. Returns the number re-queued.

    The server may have accepted such a row before its worker died (the crash
    fell between the 250 reply and the UPDATE to `sent`): sending it again is
    the one way an email can arrive twice, and it then carries the same
    Message-ID. See docs/email-delivery.md.
    """
    stuck_after = settings.NOTIFICATIONS_STUCK_AFTER if stuck_after is None else stuck_after
    now = timezone.now()
    stuck = Q(state=State.SENDING, sending_since__lt=now - timedelta(seconds=stuck_after))
    failed = OutboundEmail.objects.filter(
        stuck, attempts__gte=settings.NOTIFICATIONS_MAX_ATTEMPTS
    ).update(
        state=State.FAILED,
        last_error="The worker sending it stopped (killed or timed out) on the last try.",
        sending_since=None,
        updated_at=now,
    )
    requeued = OutboundEmail.objects.filter(stuck).update(
        state=State.QUEUED,
        last_error="Re-queued: the worker sending it stopped (killed or timed out).",
        next_attempt_at=now,
        sending_since=None,
        updated_at=now,
    )
    if failed or requeued:
        logger.warning(
            "Sweep: %s outbound emails re-queued, %s failed after their worker stopped.",
            requeued,
            failed,
        )
    return requeued


# --- Operator actions ---------------------------------------------------------------


def retry(queryset):
    """Queue failed rows again with a fresh set of tries. Returns the number queued."""
    now = timezone.now()
    pks = list(queryset.filter(state=State.FAILED).values_list("pk", flat=True))
    count = OutboundEmail.objects.filter(pk__in=pks, state=State.FAILED).update(
        state=State.QUEUED, attempts=0, next_attempt_at=now, updated_at=now
    )
    for pk in pks:
        transaction.on_commit(partial(_publish_send, pk))
    return count


def cancel(queryset):
    """Cancel queued rows so they are never sent. Returns the number cancelled.

    A row already claimed by a worker (`sending`) cannot be called back.
    """
    return queryset.filter(state=State.QUEUED).update(
        state=State.CANCELLED, updated_at=timezone.now()
    )
