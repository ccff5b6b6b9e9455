from django.apps import AppConfig


class CncaConfig(AppConfig):
    name = "cnca"
    verbose_name = "CNCA portal"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)
