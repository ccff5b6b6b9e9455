"""Count actions per person or address in the cache, in fixed windows.

For forms anyone may send (contact, subscribe): ``count_action`` adds one to
this window's counter and says whether the limit still holds. The cache is a
convenience, not a dependency: when it does not answer (or, degrading, keeps
nothing), ``count_action`` returns ``None`` (unknown) and the caller decides how
to degrade; a page never fails because Redis is down.
"""

import hashlib
import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


def _key(scope, identity, window):
    # Hashed: the cache holds no email or IP address in the clear.
    digest = hashlib.sha256(f"{scope}:{identity}".encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{int(time.time() // window)}"


def count_action(scope, identity, *, limit, window):
    """Count one action of ``identity``; True while at most ``limit`` in this window,
    False beyond, None when the cache cannot tell."""
    key = _key(scope, identity, window)
    try:
        cache.add(key, 0, timeout=window + 1)
        count = cache.incr(key)
    except Exception:
        # The key is missing right after add (ValueError): the cache keeps
        # nothing, as cnca.cache.DegradingRedisCache answers in an outage; or
        # another cache backend failed outright.
        logger.warning("Rate limit %s not counted: the cache does not answer.", scope)
        return None
    return count <= limit
