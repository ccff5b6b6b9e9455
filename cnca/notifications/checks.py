"""System checks for the outbox's settings."""

from urllib.parse import urlparse

from django.conf import settings
from django.core import checks

from .conf import conf

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "testserver", ""}  # noqa: S104


@checks.register(checks.Tags.compatibility)
def check_outbox_settings(app_configs, **kwargs):
    problems = []
    hard_limit = getattr(settings, "CELERY_TASK_TIME_LIMIT", None)
    if hard_limit and hard_limit >= conf.STUCK_AFTER:
        problems.append(
            checks.Warning(
                f"NOTIFICATIONS_STUCK_AFTER ({conf.STUCK_AFTER:g} s) is not "
                f"above CELERY_TASK_TIME_LIMIT ({hard_limit} s): the sweep could re-queue an "
                "email a live worker is still sending, and it would be sent twice.",
                hint="Set NOTIFICATIONS_STUCK_AFTER above the tasks' hard time limit.",
                id="notifications.W001",
            )
        )
    visibility = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}).get("visibility_timeout")
    longest_wait = max(hard_limit or 0, conf.RETRY_COUNTDOWN_MAX)
    if visibility and visibility <= longest_wait:
        problems.append(
            checks.Warning(
                f"The broker's visibility_timeout ({visibility} s) is not above the longest "
                f"task or retry countdown ({longest_wait:g} s): Redis would hand a running "
                "or waiting task to a second worker.",
                id="notifications.W002",
            )
        )
    if conf.COMMAND_DEADLINE >= conf.STUCK_AFTER:
        problems.append(
            checks.Warning(
                f"NOTIFICATIONS_COMMAND_DEADLINE ({conf.COMMAND_DEADLINE:g} s) is not below "
                f"NOTIFICATIONS_STUCK_AFTER ({conf.STUCK_AFTER:g} s): the sweep could re-queue "
                "an email send_queued_email is still sending.",
                id="notifications.W003",
            )
        )
    return problems


@checks.register(checks.Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    """Links in emails are built from SITE_URL: in production it must be the real address."""
    parsed = urlparse(settings.SITE_URL)
    if parsed.hostname in LOCAL_HOSTS or parsed.hostname is None:
        return [
            checks.Error(
                f"SITE_URL is {settings.SITE_URL!r}: the links in emails (password resets, "
                "decisions) would point at this machine, not at the portal.",
                hint="Set SITE_URL to the portal's public address, e.g. https://portal.example.org.",
                id="notifications.E001",
            )
        ]
    if parsed.scheme != "https":
        return [
            checks.Warning(
                f"SITE_URL ({settings.SITE_URL}) is not https: password-reset links would "
                "travel in clear text.",
                id="notifications.W004",
            )
        ]
    return []
