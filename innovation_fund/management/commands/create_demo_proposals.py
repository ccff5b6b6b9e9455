"""A handful of submitted demo letters of intent in the demonstration round, assigned
to its committee, so the committee journey can be tried in the quick start.

    python manage.py load_cnca_content
    python manage.py create_demo_accounts --password ...
    python manage.py create_demo_proposals
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cnca.content.facts import facts_section
from innovation_fund.committee.demo import DemoRoundMissing, create_demo_proposals, demo_staff


class Command(BaseCommand):
    help = "Create submitted demo letters of intent (Round 3's public awards), assigned."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: demo proposals are not created. Use --force.")
        staff = demo_staff()
        if staff is None:
            raise CommandError("No alliance staff account: run create_demo_accounts first.")
        rounds = facts_section("innovation_fund")["rounds"]
        awards = next(r["awards"] for r in rounds if r["name"] == "Round 3")
        try:
            result = create_demo_proposals(awards, actor=staff)
        except DemoRoundMissing as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{result.created} demo letter(s) of intent created; "
            f"{result.assigned} assignment(s) made."
        )
        for title, missing in result.shortfalls:
            self.stdout.write(f"  {title}: {missing} reviewer(s) short (conflicts).")
