"""How much slower than a bare Django view each public page is, with realistic data.

Runs in a throw-away test database (SQLite or the Postgres of DATABASE_URL), loads the
real content plus generated cities up to the design's 100, and times each page through
Django's test client (full middleware, templates and queries; no network). Timings are
noisy on a shared machine, so each page is timed in rounds interleaved with the bare
view and the median ratio is compared with its target.

    python -m bench.pages [--requests 200]
"""

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cnca.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

# Not django.test.utils.setup_test_environment(): it instruments template rendering
# (a signal and a context copy per template), which would slow the pages but not the
# bare view and skew every ratio.

# Page -> the most it may cost, as a multiple of the bare view's median time.
# Set from six runs on the quiet 2-core machine, Postgres, 2026-12-05 (bench/README.md),
# with room for noise. What every page pays: the base template and the footer (about 6x,
# the footer read from the cache); each query costs about 4x here (the ORM builds and
# compiles it, Postgres answers it), so a page's floor is about 6x + 4x a query + its
# own rendering. Parts that are the same for every visitor are cached (cnca/fragments.py):
# the bench times pages warm, as visitors mostly get them.
TARGETS = {
    # Measured 15-17x: the latest news (1 query); the cities' map and list cached.
    "/": 25,
    # Measured 42-47x: 2 queries and a page of 48 cards through the template engine
    # (about 3.5 ms), the map of 21 places, a five-field filter form.
    "/cities/": 60,
    # The same, 3 queries (the filtered cities' places for the map).
    "/cities/?region=europe&sort=-target_year": 60,
    # Measured 33-41x: 3 queries (the city, its news, its awards), its timeline, map,
    # awards and news. The former 15x was set before it had a map, awards and news.
    "/cities/portland/": 50,
    # Measured 13-15x: the rounds (1 query); the figures and charts cached.
    "/innovation-fund/": 25,
    # Measured 42-49x: 3 queries, a table of 16 awards (4 links each) and an
    # eight-field filter form.
    "/innovation-fund/awards/": 60,
    "/innovation-fund/awards/?lead_city=portland&sort=-amount": 60,
    # Measured 32-40x: 4 queries (the round, its awards, their partners, its
    # finalists, which staff decisions change without a signal, so not cached).
    "/innovation-fund/rounds/round-3/": 45,
    # Measured 19-31x: 4 queries (the award, its partners, themes and links).
    "/innovation-fund/awards/blue-carbon/": 35,
    # Measured 41-47x: 5 queries, two of them the topic and year choices, which change
    # when a scheduled item comes due (no signal then), so they are not cached.
    "/news/": 55,
    # Measured 15-16x: 2 queries (the resources, their companions), five cards.
    "/resources/": 20,
    # Measured 15-19x: 2 queries like the list; the chart, table and comparisons cached.
    "/resources/how-much-is-spent-on-fossil-fuels-in-cities/": 25,
    # Measured 75-93x: one full-text query a section (cities, news, awards, resources),
    # each about 1.3 ms for the ORM to build and compile and 1 ms for Postgres, then
    # snippets for each hit.
    "/search/?q=carbon": 110,
    # Measured 18-20x: Django's sitemap framework, an entry per city (100).
    "/sitemap-cities.xml": 25,
    # Really asks each service: a query, a cache round trip and, with a broker
    # configured, a fresh connection to it (about 3 ms).
    "/healthz": 25,
}
BARE = "/__bench__/bare/"
CITIES = 100


def make_cities():
    from cnca.fragments import forget_public_fragments
    from members.models import MemberCity, Region

    existing = MemberCity.objects.count()
    MemberCity.objects.bulk_create(
        MemberCity(
            name=f"Bench City {n}",
            slug=f"bench-city-{n}",
            country="SE",
            region=Region.EUROPE,
            target="Carbon neutral by 2040",
            target_year=2030 + n % 20,
        )
        for n in range(CITIES - existing)
    )
    # bulk_create sends no signal; parts kept from an earlier run must go too.
    forget_public_fragments()


def time_requests(client, url, count):
    durations = []
    for _ in range(count):
        start = time.perf_counter()
        response = client.get(url)
        durations.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return statistics.median(durations)


def compare(client, pages, requests):
    """Time each (url, target) of ``pages`` against the bare view, in interleaved rounds;
    print a table and return the number of pages that missed their target."""
    for url in [BARE, *(url for url, _ in pages)]:  # warm caches and template loaders
        time_requests(client, url, 5)
    bare = time_requests(client, BARE, requests)
    failures = 0
    print(f"{'page':45} {'median ms':>10} {'x bare':>8} {'target':>8}")
    print(f"{BARE:45} {bare * 1000:10.2f} {1:8.1f}")
    for url, target in pages:
        ratios = []
        for _ in range(5):
            page = time_requests(client, url, requests // 5)
            ratios.append(page / time_requests(client, BARE, requests // 5))
        ratio = statistics.median(ratios)
        verdict = "ok" if ratio <= target else "SLOW"
        failures += verdict != "ok"
        print(f"{url:45} {ratio * bare * 1000:10.2f} {ratio:8.1f} {target:7}x {verdict}")
    return failures


def run(requests):
    return compare(Client(), list(TARGETS.items()), requests)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(argv)

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("load_cnca_content", verbosity=0)
        make_cities()
        print(f"pages, {connection.vendor}, {CITIES} cities, {args.requests} requests each")
        with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"]):
            failures = run(args.requests)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
