"""Queue the selection committee's scoring reminders that are due (cron or by hand).

Beat runs the same job (innovation_fund.send_scoring_reminders). Running it twice
sends nothing twice (innovation_fund/committee/reminders.py).
"""

from django.core.management.base import BaseCommand

from innovation_fund.committee.reminders import send_scoring_reminders


class Command(BaseCommand):
    help = "Queue the scoring reminders that are due (each one once), in the outbox."

    def handle(self, *args, **options):
        self.stdout.write(f"{str(send_scoring_reminders()).capitalize()}.")
