"""Reusable reads of member cities and the alliance's supporters."""

from functools import cached_property

from django.core.cache import cache

from cnca.fragments import cached_value

from .models import MemberCity, Supporter
from .worldmap import city_map

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


class CurrentMembers:
    """The member cities as the home page sums them up: figures, map and list.

    Nothing is read until a figure is asked for (one query then), so a page
    whose part is cached (cnca/fragments.py) reads nothing.
    """

    @cached_property
    def cities(self):
        return list(
            MemberCity.objects.current().only(
                "name", "slug", "country", "founding_member", "latitude", "longitude"
            )
        )

    @cached_property
    def map(self):
        return city_map(self.cities)

    @property
    def count(self):
        return len(self.cities)

    @property
    def founding_count(self):
        return sum(1 for city in self.cities if city.founding_member)

    @property
    def country_count(self):
        return len({city.country.code for city in self.cities})


def _placed_members():
    current = MemberCity.objects.current().exclude(latitude=None).exclude(longitude=None)
    return list(current.order_by("name").values_list("pk", "name", "slug", "latitude", "longitude"))


def placed_members():
    """The current members with a place on the map, by name, as much of each as a map
    needs (one query, then none until a city changes: cnca/fragments.py)."""
    return [
        MemberCity(pk=pk, name=name, slug=slug, latitude=latitude, longitude=longitude)
        for pk, name, slug, latitude, longitude in cached_value("placed-members", _placed_members)
    ]
