"""The small kit every app's ``services.py`` is built from.

- :func:`require_transaction`: a service that changes state runs inside
  ``transaction.atomic``; this says so loudly when it does not.
- :func:`transition`: move a row from one state to another with one
  conditional UPDATE, so two people acting at once cannot both move it.
- :func:`on_commit_once`: register work for the commit at most once per
  transaction for a key (one broker publish per request, however many emails).

The audit half of a state change is ``cnca.models.StatusChangeBase``.
"""

from django.db import transaction
from django.db.models import Expression
from django.utils import timezone

__all__ = [
    "NotInTransaction",
    "StaleState",
    "on_commit_once",
    "require_transaction",
    "transition",
]


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
    connection = transaction.get_connection(using)
    if connection.in_atomic_block:
        for _savepoints, pending, _robust in connection.run_on_commit:
            if isinstance(pending, _Once) and pending.key == key:
                return False
    transaction.on_commit(_Once(key, func), using=using, robust=robust)
    return True
