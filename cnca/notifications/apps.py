"""The outbox: every email the portal sends is a row here first."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cnca.notifications"
    label = "notifications"
    verbose_name = "Outbox"

    def ready(self):
        from . import checks  # noqa: F401  (registers the checks)
