from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cnca.notifications"
    label = "notifications"
    verbose_name = "Outbox"
