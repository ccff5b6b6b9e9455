"""System checks of the production settings the portal's guarantees rest on.

Tagged ``deploy``: they run with ``manage.py check --deploy`` (``make
check-deploy``, CI), where an error fails the release.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.compatibility, deploy=True)
def check_broker_in_production(app_configs, **kwargs):
    """Without a broker, tasks run inside web requests: SMTP in the request, no retries."""
    if settings.DEBUG or not settings.CELERY_TASK_ALWAYS_EAGER:
        return []
    if settings.CELERY_EAGER_IN_PRODUCTION:
        return []
    return [
        Error(
            "No Celery broker is configured (REDIS_URL or CELERY_BROKER_URL), so background "
            "tasks run inside web requests: emails are sent while the visitor waits and a "
            "failed send is never retried.",
            hint=(
                "Set REDIS_URL to the production Redis and run a worker and beat; or, to run "
                "without them on purpose, set CELERY_EAGER_IN_PRODUCTION=true."
            ),
            id="cnca.E001",
        )
    ]
