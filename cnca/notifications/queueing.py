"""Queueing: put an email in the outbox inside the caller's transaction; operator actions.

One transaction makes at most one broker publish, however many emails it
queues: the first ``queue_email`` registers an on-commit callback that carries
the ids of every row the transaction queued, and the commit hands them to one
``send_queued_batch`` task (short timeouts; a broker that is down or hangs
costs the request about half a second, and the relay sends the rows later).
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.mail import make_msgid
from django.db import IntegrityError, transaction
from django.utils import timezone

from cnca.servicekit import on_commit_once, pending_on_commit, publish, require_transaction

from .conf import conf
from .models import OutboundEmail
from .rendering import render_email

State = OutboundEmail.State

_PUBLISH_KEY = "notifications:send-queued-batch"


# Headers the outbox sets itself: a caller's extra headers may not replace them.
RESERVED_HEADERS = frozenset(
    {"from", "to", "cc", "bcc", "subject", "message-id", "date", "content-type", "mime-version"}
)


def queue_email(*, key, to, template, context, related=None, sensitive=False, headers=None):
    """Put an email in the outbox, to be sent once the caller's transaction commits.

    Must run inside ``transaction.atomic`` (raises ``NotInTransaction``): the
    row commits or rolls back with the change it announces.

    ``key`` names the email uniquely (e.g. ``"loi-submitted:proposal=42:user=7"``):
    a key already in the outbox returns the existing row and sends nothing again,
    whatever that row's state. It is shown to outbox staff: never put a secret
    in it. ``to`` is an address or a list of addresses. ``template`` is a
    template path without extension: ``<template>.subject.txt``,
    ``<template>.txt`` and ``<template>.html`` are rendered with ``context``,
    which must give ``reason``: why this person gets the email (shown in the
    footer). ``related`` is the model instance the email is about, if any.
    ``sensitive=True`` for an email that carries a secret (a password-reset
    link): the admin never shows its body, and the body is erased once sent.
    ``headers`` are extra headers of the message (``{"List-Unsubscribe": "<...>"}``),
    stored on the row and applied when it is sent; they cannot replace the ones
    the outbox sets (From, To, Subject, Message-ID, ...) nor hold a line break.

    Returns the row. Safe when two processes queue one key at the same moment:
    one row, one email.
    """
    require_transaction()
    existing = OutboundEmail.objects.filter(key=key).first()
    if existing is not None:
        return existing

    recipients = [to] if isinstance(to, str) else list(to)
    recipients = [address.strip() for address in recipients if address.strip()]
    if not recipients:
        raise ValueError("queue_email needs at least one recipient.")
    if not context.get("reason"):
        raise ValueError(
            "queue_email needs context['reason']: the footer tells the reader why they "
            "get this email."
        )
    headers = clean_headers(headers or {})
    subject, text_body, html_body = render_email(template, context)

    row = OutboundEmail(
        key=key,
        to=recipients,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        template=template,
        sensitive=sensitive,
        headers=headers,
        message_id=make_msgid(domain=conf.MESSAGE_ID_DOMAIN),
    )
    if related is not None:
        row.content_type = ContentType.objects.get_for_model(related)
        row.object_id = str(related.pk)
    row, inserted = insert_or_get(row)
    if inserted:
        send_on_commit(row.pk)
    return row


def clean_headers(headers):
    """``headers`` as a dict of strings, or ValueError for a reserved name or a line break."""
    cleaned = {}
    for name, value in headers.items():
        name, value = str(name), str(value)
        if name.lower() in RESERVED_HEADERS:
            raise ValueError(f"queue_email sets the {name} header itself.")
        if not name.replace("-", "").isalnum() or any(c in value for c in "\r\n"):
            raise ValueError(f"Header {name!r} has a name or value a message cannot carry.")
        cleaned[name] = value
    return cleaned


def recently_queued(key_prefix, *, seconds):
    """True if a row whose key starts with ``key_prefix`` was queued in the last ``seconds``.

    For rate limits kept in the outbox itself (one reset email per account per
    few minutes): no other store to keep in step.
    """
    since = timezone.now() - timedelta(seconds=seconds)
    return OutboundEmail.objects.filter(key__startswith=key_prefix, created_at__gte=since).exists()


def insert_or_get(row):
    """Insert ``row``; if its key is taken, return the row that holds it.

    Returns ``(row, inserted)``. The INSERT runs in a savepoint: a duplicate key
    must not spoil the caller's transaction. With two processes at once, the
    second INSERT waits on the unique index until the first commits, then
    fails here and returns the first's row.
    """
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        existing = OutboundEmail.objects.filter(key=row.key).first()
        if existing is None:
            raise
        return existing, False
    return row, True


class _SendOnCommit:
    """The one on-commit callback of a transaction: publish its rows' ids as one task."""

    def __init__(self):
        self.pks = []

    def __call__(self):
        from .tasks import send_queued_batch

        publish(send_queued_batch, self.pks, timeout=conf.PUBLISH_TIMEOUT)


def send_on_commit(pk):
    """Have row ``pk`` sent when the transaction commits (one publish per transaction).

    If a savepoint that queued rows rolls back, its ids may stay in the list:
    the task finds no such row and does nothing for it.
    """
    callback = pending_on_commit(_PUBLISH_KEY)
    if callback is None:
        callback = _SendOnCommit()
        on_commit_once(_PUBLISH_KEY, callback)
    callback.pks.append(pk)


# --- Operator actions ---------------------------------------------------------------


def retry(queryset):
    """Queue failed rows again with a fresh set of tries. Returns the number queued."""
    now = timezone.now()
    pks = list(queryset.filter(state=State.FAILED).values_list("pk", flat=True))
    with transaction.atomic():
        count = OutboundEmail.objects.filter(pk__in=pks, state=State.FAILED).update(
            state=State.QUEUED, attempts=0, next_attempt_at=now, updated_at=now
        )
        for pk in pks:
            send_on_commit(pk)
    return count


def cancel(queryset):
    """Cancel queued rows so they are never sent; erase sensitive ones' bodies.

    A row already claimed by a worker (`sending`) cannot be called back.
    Returns the number cancelled.
    """
    now = timezone.now()
    with transaction.atomic():
        pks = list(queryset.filter(state=State.QUEUED).values_list("pk", flat=True))
        rows = OutboundEmail.objects.filter(pk__in=pks, state=State.QUEUED)
        rows.filter(sensitive=True).update(text_body=OutboundEmail.REDACTED, html_body="")
        return rows.update(state=State.CANCELLED, updated_at=now)
