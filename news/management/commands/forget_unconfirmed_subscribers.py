"""Delete news subscribers who never confirmed before their link expired (what beat does
daily), from cron on a host without beat.

23 4 * * *  python manage.py forget_unconfirmed_subscribers
"""

from django.core.management.base import BaseCommand

from news import services


class Command(BaseCommand):
    help = "Delete unconfirmed news subscribers whose confirmation link has expired."

    def handle(self, *args, **options):
        deleted = services.forget_unconfirmed_subscribers()
        self.stdout.write(f"Deleted {deleted} unconfirmed subscriber(s).")
