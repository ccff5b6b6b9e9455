"""Checks of the services the portal depends on, for /healthz.

Each check answers (state, detail): "ok", "error" or "not configured". A
service that is not configured (the quick start's eager Celery, say) does not
make the portal unhealthy; one that is configured and does not answer does.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from kombu import Connection

logger = logging.getLogger(__name__)

OK = "ok"
ERROR = "error"
NOT_CONFIGURED = "not configured"
TIMEOUT_SECONDS = 2


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK, connection.vendor


def check_cache():
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    answered = cache.get(key) == "1"
    cache.delete(key)
    if not answered:
        return ERROR, "the cache did not return what was stored"
    return OK, caches["default"].__class__.__name__


def check_broker():
    url = settings.CELERY_BROKER_URL
    if not url:
        return NOT_CONFIGURED, "tasks run in the web process"
    with Connection(
        url,
        connect_timeout=TIMEOUT_SECONDS,
        transport_options={
            "socket_timeout": TIMEOUT_SECONDS,
            "max_retries": 0,
        },
    ) as conn:
        conn.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)
    return OK, conn.transport_cls


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


def run_checks():
    """Run every check; returns (healthy, {name: {"state": ..., "detail": ...}})."""
    results = {}
    for name, check in CHECKS.items():
        try:
            state, detail = check()
        except Exception as exc:
            logger.warning("health check %s failed: %s", name, exc)
            state, detail = ERROR, exc.__class__.__name__
        results[name] = {"state": state, "detail": str(detail)}
    healthy = all(result["state"] != ERROR for result in results.values())
    return healthy, results
