"""Delete sent emails older than the retention period (what beat does hourly), from cron.

17 3 * * *  python manage.py purge_sent_email
"""

from django.core.management.base import BaseCommand

from cnca.notifications import services


class Command(BaseCommand):
    help = "Delete sent outbound emails older than NOTIFICATIONS_RETENTION_DAYS."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Keep this many days instead.")

    def handle(self, *args, days, **options):
        deleted = services.purge(days=days)
        self.stdout.write(f"Deleted {deleted} outbound emails.")
