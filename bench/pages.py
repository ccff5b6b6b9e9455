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
# A list page renders a page of 48 cards and a five-field filter form through the
# template engine; measured at about 45x (15 ms) on the development machine, so the
# targets leave room for noise but catch a page that starts to grow with its rows.
TARGETS = {
    "/": 40,
    "/cities/": 80,
    "/cities/?region=europe&sort=-target_year": 80,
    "/cities/portland/": 15,
    "/innovation-fund/": 40,
    "/innovation-fund/awards/": 60,
    "/innovation-fund/awards/?lead_city=portland&sort=-amount": 60,
    "/innovation-fund/rounds/round-3/": 30,
    "/innovation-fund/awards/blue-carbon/": 20,
    "/news/": 15,
    "/resources/": 15,
    # The chart is laid out in Python and drawn by the template: two more queries.
    "/resources/how-much-is-spent-on-fossil-fuels-in-cities/": 20,
    # Two queries a section (cities, news, resources), snippets cut for each hit.
    "/search/?q=carbon": 40,
    "/sitemap-cities.xml": 20,
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
