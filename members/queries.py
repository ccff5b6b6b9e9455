"""Reusable reads of member cities and the alliance's supporters."""

from django.core.cache import cache

from .models import Supporter

SUPPORTERS_CACHE_KEY = "members:supporters-by-role"


def supporters_by_role():
    """Supporters grouped by role, cached: they change a few times a year.

    Kept for the cache's default timeout: forgotten on every save (signals.py)
    in a shared Redis; at most a minute in a per-process memory cache, which a
    save in another process cannot clear.
    """
    supporters = cache.get(SUPPORTERS_CACHE_KEY)
    if supporters is None:
        supporters = {role: [] for role in Supporter.Role.values}
        for supporter in Supporter.objects.all():
            supporters[supporter.role].append(
                {
                    "name": supporter.name,
                    "short_name": supporter.short_name,
                    "website": supporter.website,
                }
            )
        cache.set(SUPPORTERS_CACHE_KEY, supporters)
    return supporters


def forget_supporters():
    cache.delete(SUPPORTERS_CACHE_KEY)
