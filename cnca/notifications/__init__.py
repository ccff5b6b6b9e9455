"""The outbox: every email the portal sends is a row here first.

``from cnca.notifications import queue_email`` is the one call apps need
(see services.py for the rest of the API).
"""


def __getattr__(name):
    # Lazy: this package is imported by the settings (conf.py) before models can be.
    if name == "queue_email":
        from .queueing import queue_email

        return queue_email
    raise AttributeError(name)
