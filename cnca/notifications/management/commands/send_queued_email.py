"""Send the outbox from cron: re-queue rows stuck in `sending`, then send due rows.

    */1 * * * *  python manage.py send_queued_email

The same work beat does every minute with a Celery worker; it needs no broker.
It stops starting new sends after ``--budget`` seconds, and stops whatever it
is doing at ``--deadline`` seconds (a timer signal), so a hung mail server can
never keep it running into the sweep's window (NOTIFICATIONS_STUCK_AFTER).
"""

import contextlib
import signal

from django.core.management.base import BaseCommand, CommandError

from cnca.notifications import services
from cnca.notifications.conf import conf
from cnca.notifications.delivery import DeadlineReached


@contextlib.contextmanager
def hard_deadline(seconds):
    """Raise DeadlineReached in this (main) thread after ``seconds``."""

    def stop(signum, frame):
        raise DeadlineReached(f"send_queued_email reached its {seconds:g} s deadline")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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
            help="Start no new send after this many seconds (default: NOTIFICATIONS_RELAY_BUDGET).",
        )
        parser.add_argument(
            "--deadline",
            type=float,
            default=None,
            help="Stop at this many seconds, even in the middle of a send "
            "(default: NOTIFICATIONS_COMMAND_DEADLINE).",
        )

    def handle(self, *args, stuck_after, limit, budget, deadline, **options):
        deadline = conf.COMMAND_DEADLINE if deadline is None else deadline
        if deadline <= 0:
            raise CommandError("--deadline must be positive.")
        try:
            with hard_deadline(deadline):
                requeued = services.sweep(stuck_after=stuck_after)
                outcome = services.relay(limit=limit, budget=budget)
        except DeadlineReached as exc:
            raise CommandError(f"{exc}; unsent emails stay queued for the next run.") from exc
        self.stdout.write(
            f"Re-queued {requeued} stuck; sent {outcome['sent']}, "
            f"to retry {outcome['queued']}, failed {outcome['failed']}, "
            f"skipped {outcome['skipped']}."
        )
