"""The outbox's settings and their defaults, in one place.

Read them as ``conf.MAX_ATTEMPTS`` (the setting ``NOTIFICATIONS_MAX_ATTEMPTS``):
a project setting of that name wins, else the default below. ``cnca/settings.py``
only overrides from the environment (:func:`from_environment`), so the outbox
works with no line of settings at all. docs/email-delivery.md explains each.

This module must not import models or ``django.conf.settings`` at import time:
the settings module imports it.
"""

PREFIX = "NOTIFICATIONS_"

DEFAULTS = {
    # The MAILERS alias the outbox sends through.
    "MAILER": "default",
    # Tries per email (the first send included) before a transient failure is final.
    "MAX_ATTEMPTS": 8,
    # Backoff between tries: base * 2**(try - 1), capped, with +-50 % jitter (seconds).
    "RETRY_BASE": 30.0,
    "RETRY_MAX": 3600.0,
    # A retry due sooner than this rides on the broker (countdown); later ones
    # wait for the relay, so no task sits on the broker for long.
    "RETRY_COUNTDOWN_MAX": 300.0,
    # A row whose send started longer ago than this lost its worker; the sweep
    # re-queues it. Must stay above CELERY_TASK_TIME_LIMIT and COMMAND_DEADLINE.
    "STUCK_AFTER": 600.0,
    # How often beat runs the relay and the sweep (seconds).
    "RELAY_EVERY": 60.0,
    # Rows one relay claims at a time; how long one relay run may start new sends.
    "RELAY_BATCH": 20,
    "RELAY_BUDGET": 50.0,
    # send_queued_email stops here whatever it is doing (seconds).
    "COMMAND_DEADLINE": 120.0,
    # A worker reopens an SMTP session idle this long (seconds).
    "SMTP_KEEPALIVE": 15.0,
    # The right-hand side of generated Message-IDs; empty: DEFAULT_FROM_EMAIL's domain.
    "MESSAGE_ID_DOMAIN": "",
    # Sent rows are deleted this many days after sending (beat, every PURGE_EVERY s).
    "RETENTION_DAYS": 30,
    "PURGE_EVERY": 3600.0,
    # Connect and socket timeout of the one broker publish a transaction makes (s).
    "PUBLISH_TIMEOUT": 0.5,
}


class _Conf:
    def __getattr__(self, name):
        from django.conf import settings

        try:
            default = DEFAULTS[name]
        except KeyError:
            raise AttributeError(name) from None
        value = getattr(settings, PREFIX + name, default)
        if name == "MESSAGE_ID_DOMAIN" and not value:
            value = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"
        return value


conf = _Conf()


def from_environment(env):
    """``{"NOTIFICATIONS_X": value}`` for each variable set in the environment.

    ``env`` is the settings module's ``environ.Env``; each value is read with
    the type of its default.
    """
    readers = {bool: env.bool, int: env.int, float: env.float, str: env.str}
    overrides = {}
    for name, default in DEFAULTS.items():
        variable = PREFIX + name
        if variable in env.ENVIRON:
            overrides[variable] = readers[type(default)](variable)
    return overrides
