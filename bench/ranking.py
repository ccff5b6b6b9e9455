"""The committee's ranking page at 500 and 20,000 proposals: time against a bare view,
and the query count (which must not grow with the proposals).

Runs in a throw-away test database (SQLite or the Postgres of DATABASE_URL). For each
size it makes one round with three criteria, the proposals (bulk_create), three
submitted reviews of each with a score per criterion (9 scores a proposal: 180,000 at
20,000 proposals, the design's scale), then times the staff ranking
(``/admin/innovation_fund/proposal/?round=..&stage=loi``: aggregates, rank and the
running total over every proposal of the round, a page of 50 shown) through Django's
test client, interleaved with the bare view.

    python -m bench.ranking [--requests 20] [--sizes 500 20000]
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
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.pages import BARE, time_requests  # noqa: E402

# Size -> the most the ranking may cost, as a multiple of the bare view's median.
# At 500 the page is mostly the admin's own rendering of 50 rows by 13 columns (the
# database part is about 5 ms; the plain changelist of the same model, 50 rows by 5
# columns, measured about 85x). At 20,000 the windows sort every standing of the
# round. Measured on a quiet 2-core machine (2026-12-05): about 280x and 620x;
# grouping the reviews on each request, as before decision 16, was 2,300x at 20,000.
TARGETS = {500: 350, 20_000: 1_000}
BATCH = 5_000


def make_round(size, staff):
    from innovation_fund.committee.services import refresh_round_scores
    from innovation_fund.models import (
        CommitteeMember,
        Criterion,
        FundRound,
        Proposal,
        Review,
        Score,
        Stage,
    )
    from members.models import MemberCity, User

    now = timezone.now()
    fund_round = FundRound.objects.create(
        name=f"Bench round {size}",
        slug=f"bench-round-{size}",
        budget_usd=650_000,
        max_award_usd=200_000,
        call_opens_at=now - timezone.timedelta(days=60),
        loi_deadline=now - timezone.timedelta(days=30),
    )
    criteria = [
        Criterion.objects.create(round=fund_round, stage=Stage.LOI, name=name, weight=weight)
        for name, weight in (("Impact", 2), ("Replicability", 1), ("Feasibility", 1))
    ]
    reviewers = [
        User.objects.create_user(f"bench-reviewer-{size}-{n}@example.org") for n in range(3)
    ]
    CommitteeMember.objects.bulk_create(
        CommitteeMember(round=fund_round, user=user) for user in reviewers
    )
    cities = list(MemberCity.objects.values_list("pk", flat=True))
    Proposal.objects.bulk_create(
        (
            Proposal(
                round=fund_round,
                lead_city_id=cities[n % len(cities)],
                title=f"Bench proposal {n}",
                requested_amount_usd=10_000 + (n * 37) % 190_000,
                status=Proposal.Status.SUBMITTED,
                submitted_at=now,
                created_by=staff,
            )
            for n in range(size)
        ),
        batch_size=BATCH,
    )
    proposals = list(Proposal.objects.filter(round=fund_round).values_list("pk", flat=True))
    Review.objects.bulk_create(
        (
            Review(
                proposal_id=pk,
                reviewer=reviewer,
                stage=Stage.LOI,
                recommendation=("yes", "maybe", "no")[(pk + r) % 3],
                submitted_at=now,
            )
            for pk in proposals
            for r, reviewer in enumerate(reviewers)
        ),
        batch_size=BATCH,
    )
    reviews = Review.objects.filter(proposal__round=fund_round).values_list("pk", flat=True)
    Score.objects.bulk_create(
        (
            Score(review_id=review, criterion=criterion, value=1 + (review * 7 + c) % 5)
            for review in reviews.iterator(chunk_size=BATCH)
            for c, criterion in enumerate(criteria)
        ),
        batch_size=BATCH,
    )
    refresh_round_scores(fund_round.pk, Stage.LOI)
    with connection.cursor() as cursor:
        # The planner's statistics, as autovacuum would have them after a load this size.
        cursor.execute("ANALYZE")
    return fund_round


def measure(client, url, requests, show_queries=False):
    time_requests(client, url, 2)  # warm
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    count = len(queries)  # now: the debug log is a bounded deque that moves on
    if show_queries:
        for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:5]:
            print(f"  {query['time']} s: {query['sql'][:400]}")
    ratios, times = [], []
    for _ in range(5):
        page = time_requests(client, url, max(1, requests // 5))
        bare = time_requests(client, BARE, 20)
        ratios.append(page / bare)
        times.append(page)
    return statistics.median(times), statistics.median(ratios), count


def row(label, page, ratio, queries, target, setup):
    """Print one line of the table; True when the page missed its target."""
    verdict = "ok" if ratio <= target else "SLOW"
    print(
        f"{label:>22} {setup:>8} {page * 1000:10.1f} {ratio:8.1f} "
        f"{target:>7}x {queries:>8} {verdict}"
    )
    return verdict == "SLOW"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(TARGETS))
    parser.add_argument("--show-queries", action="store_true", help="the 5 slowest queries")
    args = parser.parse_args(argv)

    # Keep one connection for the run, as the test client would under the test runner:
    # the query count is taken on it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    failures = 0
    counts = set()
    try:
        from members.models import User

        call_command("load_cnca_content", verbosity=0)
        staff = User.objects.create_superuser("bench-staff@example.org", "bench")
        client = Client()
        client.force_login(staff)
        print(f"committee ranking, {connection.vendor}, {args.requests} requests per size")
        print(
            f"{'page':>22} {'setup s':>8} {'median ms':>10} {'x bare':>8} "
            f"{'target':>8} {'queries':>8}"
        )
        with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"]):
            for size in args.sizes:
                start = time.perf_counter()
                with override_settings(DEBUG=False):  # no query log of 250,000 inserts
                    fund_round = make_round(size, staff)
                setup = f"{time.perf_counter() - start:.1f}"
                url = f"/admin/innovation_fund/proposal/?round={fund_round.pk}&stage=loi"
                page, ratio, queries = measure(client, url, args.requests, args.show_queries)
                label = f"ranking of {size:,}"
                failures += row(label, page, ratio, queries, TARGETS.get(size, 1_000), setup)
                counts.add(queries)
        if len(counts) > 1:
            print(f"The query count grows with the proposals: {sorted(counts)}.")
            failures += 1
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
