"""How much slower than a bare Django view the applicant's pages are, signed in.

The /account/ dashboard and a proposal page of Portland's staff, with 20
proposals of their city in the demonstration round and the real content loaded,
timed against the bare view in the same run (bench/pages.py's method).

    python -m bench.applicant [--requests 200]
"""

import argparse
import sys

from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings

from bench.pages import compare  # sets Django up

# Page -> the most it may cost as a multiple of the bare view. Both pages read
# the session and the user (the bare view does not); the dashboard renders a
# table of 20 rows with about 90 URL reversals, like a list page (/cities/: 80x).
TARGETS = {"/account/": 80, "proposal": 80}
PROPOSALS = 20


def make_proposals():
    from cnca.content.loader import DEMO_ROUND_SLUG
    from innovation_fund.models import FundRound, Proposal
    from members.models import CityMembership, MemberCity, User

    portland = MemberCity.objects.get(slug="portland")
    user = User.objects.create_user("bench@portland.example", password=None)
    CityMembership.objects.create(user=user, city=portland)
    fund_round = FundRound.objects.get(slug=DEMO_ROUND_SLUG)
    Proposal.objects.bulk_create(
        Proposal(
            round=fund_round,
            lead_city=portland,
            title=f"Bench proposal {n}",
            summary="A summary. " * 20,
            created_by=user,
        )
        for n in range(PROPOSALS)
    )
    return user, Proposal.objects.filter(lead_city=portland).first()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(argv)

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("load_cnca_content", verbosity=0)
        user, proposal = make_proposals()
        print(f"applicant pages, {connection.vendor}, {PROPOSALS} proposals, signed in")
        with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"]):
            client = Client()
            client.force_login(user)
            pages = [
                ("/account/", TARGETS["/account/"]),
                (proposal_url(proposal), TARGETS["proposal"]),
            ]
            failures = compare(client, pages, args.requests)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 1 if failures else 0


def proposal_url(proposal):
    from django.urls import reverse

    return reverse("innovation_fund:proposal_detail", kwargs={"pk": proposal.pk})


if __name__ == "__main__":
    sys.exit(main())
