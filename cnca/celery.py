"""The Celery application. Its settings are the CELERY_* names in cnca/settings.py.

The broker is Redis (REDIS_URL); with no broker configured the tasks run
eagerly in the calling process. Tasks are acknowledged late, prefetched one at
a time, time-limited and JSON-serialised; beat runs the outbox's relay and
sweep every minute. docs/email-delivery.md explains why each setting is what
it is. Start a worker with `celery -A cnca worker` and one beat with
`celery -A cnca beat`.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cnca.settings")

app = Celery("cnca")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
