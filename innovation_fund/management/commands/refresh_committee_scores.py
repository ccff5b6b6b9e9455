"""Recompute the committee's stored scores: each review's weighted score and each
proposal's standing (its reviews' aggregates), from the reviews and criteria.

The services keep them current; this is the repair for data changed around them
(a raw SQL fix, a restored backup). Safe to run at any time.
"""

from django.core.management.base import BaseCommand, CommandError

from innovation_fund.committee.services import refresh_round_scores
from innovation_fund.models import FundRound


class Command(BaseCommand):
    help = "Recompute the weighted scores and proposal standings of every round (or one)."

    def add_arguments(self, parser):
        parser.add_argument("--round", dest="round_slug", help="Only the round with this slug.")

    def handle(self, *args, round_slug=None, **options):
        rounds = FundRound.objects.order_by("pk")
        if round_slug:
            rounds = rounds.filter(slug=round_slug)
            if not rounds.exists():
                raise CommandError(f"No round has the slug “{round_slug}”.")
        for fund_round in rounds:
            count = refresh_round_scores(fund_round.pk)
            self.stdout.write(f"{fund_round.name}: {count} standing(s) recomputed.")
