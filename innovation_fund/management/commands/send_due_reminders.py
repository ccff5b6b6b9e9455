"""Queue the Innovation Fund's deadline reminders that are due, from cron.

    */5 * * * *  python manage.py send_due_reminders

The same work beat does every FUND_REMINDERS_EVERY seconds with a Celery
worker. Running it twice, or in two places at once, sends nothing twice
(innovation_fund/reminders.py). The outbox sends what it queues.
"""

from django.core.management.base import BaseCommand

from innovation_fund import reminders


class Command(BaseCommand):
    help = "Queue the deadline reminders that are due (each one once), in the outbox."

    def handle(self, *args, **options):
        self.stdout.write(f"{str(reminders.send_due_reminders()).capitalize()}.")
