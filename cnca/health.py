"""Checks of the services the portal depends on, for /healthz.

Each check answers (state, detail): "ok", "error" or "not configured". A
service that is not configured (the quick start's eager Celery, say) does not
make the portal unhealthy; one that is configured and does not answer does.

A load balancer may poll this every second from many places: every network
call has a short timeout (HEALTHZ_TIMEOUT), and the result is kept in the
process for HEALTHZ_CACHE_SECONDS, so a broker that is down costs one
timeout per window, not one per request. Not in the shared cache: the cache
is one of the things checked.
"""

import logging
import threading
import time
import uuid
from urllib.parse import urlparse

import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from kombu import Connection
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

OK = "ok"
ERROR = "error"
NOT_CONFIGURED = "not configured"


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK, connection.vendor


def check_cache():
    cache = caches["default"]
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    answered = cache.get(key) == "1"
    cache.delete(key)
    if not answered:
        # The cache degrades an outage to a miss (cnca/cache.py), so a miss is the sign.
        return ERROR, "the cache did not return what was stored"
    return OK, cache.__class__.__name__


def check_broker():
    url = settings.CELERY_BROKER_URL
    if not url:
        return NOT_CONFIGURED, "tasks run in the web process"
    timeout = settings.HEALTHZ_TIMEOUT
    if urlparse(url).scheme in ("redis", "rediss"):
        # One try, no backoff between retries: a refused port answers at once.
        client = redis.Redis.from_url(
            url, socket_connect_timeout=timeout, socket_timeout=timeout, retry=Retry(NoBackoff(), 0)
        )
        try:
            client.ping()
        finally:
            client.close()
        return OK, "redis"
    with Connection(url, connect_timeout=timeout) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
        return OK, conn.transport_cls


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}

_last = {"at": None, "result": None}
_lock = threading.Lock()


def _run_every_check():
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


def run_checks():
    """(healthy, {name: {"state": ..., "detail": ...}}), at most HEALTHZ_CACHE_SECONDS old."""
    with _lock:  # one thread checks; the others wait for its answer instead of piling on
        now = time.monotonic()
        if _last["at"] is None or now - _last["at"] >= settings.HEALTHZ_CACHE_SECONDS:
            _last["result"] = _run_every_check()
            _last["at"] = time.monotonic()
        return _last["result"]


def forget_last_result():
    """Make the next run_checks() check again (tests, and after a deliberate change)."""
    with _lock:
        _last["at"] = None
