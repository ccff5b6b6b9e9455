"""The small kit every app's ``services.py`` is built from.

- :func:`require_transaction`: a service that changes state runs inside
  ``transaction.atomic``; this says so loudly when it does not.
- :func:`transition`: move a row from one state to another with one
  conditional UPDATE, so two people acting at once cannot both move it.
- :func:`on_commit_once`: register work for the commit at most once per
  transaction for a key (one broker publish per request, however many emails).
- :func:`publish` / :func:`publish_on_commit`: hand a task to the broker with
  short timeouts, never raising: a hung broker costs a request under a second.

The audit half of a state change is ``cnca.models.StatusChangeBase``.
"""

import logging
from functools import partial

from django.db import transaction
from django.db.models import Expression
from django.utils import timezone

__all__ = [
    "NotInTransaction",
    "StaleState",
    "on_commit_once",
    "pending_on_commit",
    "publish",
    "publish_on_commit",
    "require_transaction",
    "transition",
]

logger = logging.getLogger(__name__)

# Connect and socket timeout (seconds) of a publish made on behalf of a request.
PUBLISH_TIMEOUT = 0.5


class NotInTransaction(RuntimeError):
    """A service that must share its caller's transaction was called outside one."""


class StaleState(Exception):
    """The row was no longer in a state the transition starts from.

    Somebody else moved it (or deleted it) since it was read: reload and decide
    again, or tell the user what changed.
    """


def require_transaction(using="default"):
    """Raise :class:`NotInTransaction` unless a ``transaction.atomic`` block is open."""
    if not transaction.get_connection(using).in_atomic_block:
        raise NotInTransaction(
            "This operation must run inside transaction.atomic(): what it writes has to "
            "commit or roll back together with the change it belongs to."
        )


def transition(instance, *, to, allowed_from, field="status", **changes):
    """Move ``instance`` to state ``to`` if its row is still in one of ``allowed_from``.

    One statement: ``UPDATE ... SET <field> = to, <changes> WHERE pk = ... AND
    <field> IN allowed_from``. When no row matched it raises :class:`StaleState`
    and changes nothing. On success the instance's attributes are updated (fields
    with ``auto_now`` are stamped too, as ``save()`` would) and the state the
    instance held before is returned, for the audit entry. That value is the one
    the caller read: exact when ``allowed_from`` has one state or the row was read
    with ``select_for_update``.

    ``changes`` are other fields to set in the same statement; expressions
    (``F("attempts") + 1``) are allowed and read back afterwards.
    """
    if isinstance(allowed_from, str):
        allowed_from = [allowed_from]
    allowed_from = list(allowed_from)
    if not allowed_from:
        raise ValueError("transition() needs at least one state to move from.")
    model = type(instance)
    values = {field: to, **changes}
    now = timezone.now()
    for model_field in model._meta.concrete_fields:
        if getattr(model_field, "auto_now", False) and model_field.name not in values:
            values[model_field.name] = now

    matched = model._base_manager.filter(pk=instance.pk, **{f"{field}__in": allowed_from}).update(
        **values
    )
    if not matched:
        raise StaleState(
            f"{model._meta.verbose_name} {instance.pk} is no longer in "
            f"{' or '.join(map(str, allowed_from))}; it cannot move to {to}."
        )

    previous = getattr(instance, model._meta.get_field(field).attname)
    computed = []
    for name, value in values.items():
        if isinstance(value, Expression) or hasattr(value, "resolve_expression"):
            computed.append(name)
        else:
            setattr(instance, name, value)
    if computed:
        instance.refresh_from_db(fields=computed)
    return previous


class _Once:
    """An on-commit callback that remembers its key, so the queue can be searched."""

    __slots__ = ("func", "key")

    def __init__(self, key, func):
        self.key = key
        self.func = func

    def __call__(self):
        return self.func()

    def __repr__(self):
        return f"on_commit_once({self.key!r}, {self.func!r})"


def on_commit_once(key, func, *, using=None, robust=False):
    """Run ``func`` when the transaction commits, at most once per transaction for ``key``.

    The first registration of a key wins; later ones in the same transaction do
    nothing. The check reads the connection's own list of pending callbacks, so
    it follows savepoints exactly: a callback registered in a savepoint that is
    rolled back is gone, and the key can be registered again; a transaction
    that rolls back runs nothing. Outside a transaction (autocommit) every
    statement is its own transaction, and ``func`` runs at once, as with
    ``transaction.on_commit``.

    Returns True if ``func`` was registered (or run), False if the key was
    already waiting for this commit.
    """
    if pending_on_commit(key, using=using) is not None:
        return False
    transaction.on_commit(_Once(key, func), using=using, robust=robust)
    return True


def pending_on_commit(key, *, using=None):
    """The function registered with :func:`on_commit_once` for ``key`` and still
    waiting for this transaction's commit, or None."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return None
    for _savepoints, pending, _robust in connection.run_on_commit:
        if isinstance(pending, _Once) and pending.key == key:
            return pending.func
    return None


def publish(task, *args, timeout=PUBLISH_TIMEOUT, **kwargs):
    """Hand ``task(*args, **kwargs)`` to the broker; never raise, never wait long.

    A fresh connection with ``timeout`` for connecting and for each socket
    operation, and no retry: a broker that is down, or one that accepts the
    connection and never answers, costs a request about ``timeout`` (measured
    under a second), then the failure is logged. The caller's work must not
    depend on the message arriving: the outbox's relay finds unsent rows by
    itself. With no broker (eager mode) the task runs here. Returns True when
    the broker took the message (or the task ran).
    """
    app = task.app
    try:
        if app.conf.task_always_eager:
            task.apply_async(args, kwargs)
            return True
        options = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
        with app.connection_for_write(
            connect_timeout=timeout, transport_options=options
        ) as connection:
            task.apply_async(args, kwargs, connection=connection, retry=False)
        return True
    except Exception:
        logger.exception("Could not publish task %s; its work is picked up later.", task.name)
        return False


def publish_on_commit(task, *args, key=None, **kwargs):
    """:func:`publish` the task when the transaction commits, once per ``key``
    (by default the task's name and arguments)."""
    key = key or ("publish", task.name, args, tuple(sorted(kwargs.items())))
    return on_commit_once(key, partial(publish, task, *args, **kwargs))
