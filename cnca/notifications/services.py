"""The outbox's public API: what apps, tasks, the command and the admin call.

Apps need one function: ``queue_email`` (also importable as
``cnca.notifications.queue_email``). The work is done in modules with one job
each:

- ``queueing``: ``queue_email`` and the operator actions ``retry``, ``cancel``;
- ``rendering``: the three parts of an email from its templates;
- ``delivery``: claims, sending, the relay, the sweep, the purge;
- ``smtp``: mail connections, messages, sorting errors;
- ``conf``: the settings and their defaults.
"""

from .delivery import purge, relay, send_batch, send_email, sweep
from .queueing import cancel, queue_email, recently_queued, retry
from .rendering import render_email
from .smtp import PermanentError, TransientError, classify, kept_connection

__all__ = [
    "PermanentError",
    "TransientError",
    "cancel",
    "classify",
    "kept_connection",
    "purge",
    "queue_email",
    "recently_queued",
    "relay",
    "render_email",
    "retry",
    "send_batch",
    "send_email",
    "sweep",
]
