from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members and cities"

    def ready(self):
        from . import signals  # noqa: F401
