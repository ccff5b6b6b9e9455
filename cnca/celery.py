"""The Celery application. Its settings are the CELERY_* names in cnca/settings.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cnca.settings")

app = Celery("cnca")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
