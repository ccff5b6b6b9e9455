"""System checks for the outbox's settings."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility)
def check_outbox_settings(app_configs, **kwargs):
    problems = []
    hard_limit = getattr(settings, "CELERY_TASK_TIME_LIMIT", None)
    if hard_limit and hard_limit >= settings.NOTIFICATIONS_STUCK_AFTER:
        problems.append(
            checks.Warning(
                f"NOTIFICATIONS_STUCK_AFTER ({settings.NOTIFICATIONS_STUCK_AFTER:g} s) is not "
                f"above CELERY_TASK_TIME_LIMIT ({hard_limit} s): the sweep could re-queue an "
                "email a live worker is still sending, and it would be sent twice.",
                hint="Set NOTIFICATIONS_STUCK_AFTER above the tasks' hard time limit.",
                id="notifications.W001",
            )
        )
    visibility = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}).get("visibility_timeout")
    longest_wait = max(hard_limit or 0, settings.NOTIFICATIONS_RETRY_COUNTDOWN_MAX)
    if visibility and visibility <= longest_wait:
        problems.append(
            checks.Warning(
                f"The broker's visibility_timeout ({visibility} s) is not above the longest "
                f"task or retry countdown ({longest_wait:g} s): Redis would hand a running "
                "or waiting task to a second worker.",
                id="notifications.W002",
            )
        )
    return problems
