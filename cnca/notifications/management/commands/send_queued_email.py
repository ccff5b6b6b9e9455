"""Send the outbox from cron: re-queue rows stuck in `sending`, then send due rows.

    */1 * * * *  python manage.py send_queued_email

The same work beat does every minute with a Celery worker; it needs no broker.
"""

from django.core.management.base import BaseCommand

from cnca.notifications import services


class Command(BaseCommand):
    help = "Re-queue outbound emails stuck in sending, then send every queued email that is due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stuck-after",
            type=float,
            default=None,
            help="Seconds in `sending` after which a row counts as abandoned "
            "(default: NOTIFICATIONS_STUCK_AFTER).",
        )
        parser.add_argument(
            "--limit", type=int, default=None, help="Send at most this many emails."
        )
        parser.add_argument(
            "--budget",
            type=float,
            default=None,
            help="Stop sending after this many seconds (default: NOTIFICATIONS_RELAY_BUDGET).",
        )

    def handle(self, *args, stuck_after, limit, budget, **options):
        requeued = services.sweep(stuck_after=stuck_after)
        outcome = services.relay(limit=limit, budget=budget)
        self.stdout.write(
            f"Re-queued {requeued} stuck; sent {outcome['sent']}, "
            f"to retry {outcome['queued']}, failed {outcome['failed']}."
        )
