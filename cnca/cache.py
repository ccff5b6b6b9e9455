"""A Redis cache whose outage degrades pages to the database, never to a 500.

The cache only ever holds copies (the footer's supporters, ...), so when Redis
is down or hangs every call answers as if the key were missing: ``get``
returns its default, ``set`` and ``delete`` do nothing, ``incr`` raises
ValueError as for a missing key. Short socket timeouts (settings) bound what
one call can cost; after a failure the process skips Redis for
``RETRY_AFTER`` seconds, so a page pays the timeout at most once per window,
and the outage is logged once (a warning) until Redis answers again (info).
"""

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

OUTAGE = (RedisConnectionError, RedisTimeoutError)

# Per process, shared by the threads' cache objects: server -> monotonic time
# until which calls skip Redis. A key is present from the first failure until
# the first success, which is what keeps the log to one line per outage.
_outages = {}
_lock = threading.Lock()


def _degrades_to(fallback):
    """Run the cache call; on an outage answer ``fallback(*args, **kwargs)`` instead."""

    def decorate(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            down_until = _outages.get(self._server_key)
            if down_until is not None and time.monotonic() < down_until:
                return fallback(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except OUTAGE as exc:
                self._went_down(exc)
                return fallback(*args, **kwargs)
            if down_until is not None:
                self._came_back()
            return result

        return call

    return decorate


def _missing(*args, **kwargs):
    raise ValueError("The cache is unavailable; the key counts as missing.")


def _default(key, default=None, version=None):
    return default


class _ReusingClient(RedisCacheClient):
    """Django's Redis cache client, keeping one redis-py client per connection pool.

    Django makes a new ``redis.Redis`` for every call, whose constructor fills a
    table of some 170 reply handlers: about a third of the cost of reading a
    cached page part. A client over a pool is safe to share, and Django keeps a
    cache object per thread anyway.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class DegradingRedisCache(RedisCache):
    """Django's RedisCache, answering "not cached" while Redis is unavailable.

    ``OPTIONS["RETRY_AFTER"]`` (seconds, default 10) is how long a process
    leaves Redis alone after a failure; the other options go to redis-py
    (``socket_connect_timeout``, ``socket_timeout``).
    """

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.retry_after = float(options.pop("RETRY_AFTER", 10))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = _ReusingClient
        self._server_key = "|".join(self._servers)

    def _went_down(self, exc):
        with _lock:
            first = self._server_key not in _outages
            _outages[self._server_key] = time.monotonic() + self.retry_after
        if first:
            logger.warning(
                "The cache does not answer (%s); pages read the database instead and the "
                "cache is tried again every %g s.",
                exc,
                self.retry_after,
            )

    def _came_back(self):
        with _lock:
            was_down = _outages.pop(self._server_key, None) is not None
        if was_down:
            logger.info("The cache answers again.")

    add = _degrades_to(lambda *a, **k: False)(RedisCache.add)
    get = _degrades_to(_default)(RedisCache.get)
    set = _degrades_to(lambda *a, **k: None)(RedisCache.set)
    touch = _degrades_to(lambda *a, **k: False)(RedisCache.touch)
    delete = _degrades_to(lambda *a, **k: False)(RedisCache.delete)
    get_many = _degrades_to(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _degrades_to(lambda *a, **k: False)(RedisCache.has_key)
    incr = _degrades_to(_missing)(RedisCache.incr)
    set_many = _degrades_to(lambda *a, **k: [])(RedisCache.set_many)
    delete_many = _degrades_to(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _degrades_to(lambda *a, **k: False)(RedisCache.clear)


def forget_outages():
    """Forget every recorded outage (for tests that start one on purpose)."""
    with _lock:
        _outages.clear()
