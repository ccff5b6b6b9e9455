from django.apps import AppConfig


class InnovationFundConfig(AppConfig):
    name = "innovation_fund"
    verbose_name = "Innovation Fund"

    def ready(self):
        # The committee's Celery tasks and signal handlers live in its subpackage,
        # which autodiscovery (innovation_fund.tasks only) would not find.
        from .committee import signals, tasks  # noqa: F401
        from .public import signals as public_signals  # noqa: F401
