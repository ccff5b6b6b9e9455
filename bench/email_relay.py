"""How fast the outbox delivers, and that it delivers each email once.

Queues 10,000 emails with ``queue_email`` (``--per-transaction`` to a
transaction: 1 by default, as a request announcing one change does), then
starts one Celery worker on the Redis broker and times it until every row is
`sent`, through a real SMTP server on loopback (aiosmtpd) that counts what it
accepts. Prints emails per second and the number of duplicates (must be 0)
and lost emails (must be 0); exits non-zero otherwise.

    python -m bench.email_relay [--emails 10000] [--concurrency 2] [--mode tasks|relay]
                                [--per-transaction 1]

``--mode tasks`` (default) is the normal path: each commit publishes one
``send_queued_batch`` task carrying the ids of the emails it queued.
``--mode relay`` is the catch-up path after a broker outage: no task is
published at commit, and the worker's relay claims the rows in batches and
sends them over one SMTP connection per batch.

Needs Postgres and Redis: it creates (and drops) its own database
``cnca_bench`` on the server of BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/cnca_bench) and uses its own queue on
REDIS_URL (default redis://127.0.0.1:6379/0).
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
QUEUE = "bench-outbox"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emails", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=2, help="pool processes of the worker")
    parser.add_argument("--mode", choices=["tasks", "relay"], default="tasks")
    parser.add_argument(
        "--per-transaction", type=int, default=1, help="emails queued in one transaction"
    )
    parser.add_argument("--keep-database", action="store_true")
    return parser.parse_args()


def admin_sql(database_url, sql):
    """Run ``sql`` on the server's ``postgres`` database (CREATE/DROP DATABASE)."""
    import psycopg

    url = urlparse(database_url)
    with psycopg.connect(
        host=url.hostname or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(sql)


def main():
    args = parse_args()
    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cnca_bench"
    )
    database = urlparse(database_url).path.lstrip("/")
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"

    from tests.smtp_server import SMTPServer, worker_command

    smtp = SMTPServer()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cnca.settings",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CACHE_URL": "",
        "CELERY_QUEUE": QUEUE,
        "EMAIL_URL": smtp.url,
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "NOTIFICATIONS_RELAY_BUDGET": "3600",
        "NOTIFICATIONS_RELAY_BATCH": "50",
    }
    os.environ.update(env)

    try:
        admin_sql(database_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin_sql(database_url, f'CREATE DATABASE "{database}"')
    except Exception as exc:
        smtp.stop()
        print(f"The email benchmark needs Postgres (BENCH_DATABASE_URL) and Redis: {exc}")
        return 1
    worker = None
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        import django

        django.setup()
        from django.db import transaction

        from cnca.celery import app as celery_app
        from cnca.notifications import queueing, services
        from cnca.notifications.models import OutboundEmail

        celery_app.control.purge()  # only the benchmark's own queue

        if args.mode == "relay":
            # As if the broker were down at every commit: rows, no tasks.
            queueing.send_on_commit = lambda pk: None

        started = time.perf_counter()
        step = max(args.per_transaction, 1)
        for first in range(0, args.emails, step):
            with transaction.atomic():
                for n in range(first, min(first + step, args.emails)):
                    services.queue_email(
                        key=f"bench:{n}",
                        to=f"person{n}@example.org",
                        template="notifications/email/notice",
                        context={
                            "subject": f"Benchmark email {n}",
                            "heading": "A benchmark email",
                            "paragraphs": ["One of many.", "Nothing to do."],
                            "reason": "You get this because the benchmark sent it.",
                        },
                    )
        queued_in = time.perf_counter() - started
        print(
            f"queued {args.emails} emails in {queued_in:.1f} s "
            f"({args.emails / queued_in:.0f}/s, rendering and INSERT included)"
        )

        worker = subprocess.Popen(
            worker_command(
                hostname=f"bench-{os.getpid()}@%h",
                concurrency=args.concurrency,
                loglevel=os.environ.get("BENCH_WORKER_LOGLEVEL", "WARNING"),
            ),
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        if args.mode == "relay":
            # What beat does every minute; one relay per pool process.
            for _ in range(args.concurrency):
                celery_app.send_task("notifications.relay_queued_email", queue=QUEUE)
        # Time from the worker's first send, not its start-up.
        while smtp.handler.count == 0:
            if worker.poll() is not None:
                raise SystemExit("The worker exited.")
            time.sleep(0.01)
        t0 = time.perf_counter()
        first_count = smtp.handler.count
        deadline = t0 + 1800
        while time.perf_counter() < deadline:
            sent = OutboundEmail.objects.filter(state="sent").count()
            if sent >= args.emails:
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - t0
        sent = OutboundEmail.objects.filter(state="sent").count()
        received = smtp.handler.message_ids()
        expected = set(OutboundEmail.objects.values_list("message_id", flat=True))
        duplicates = smtp.handler.duplicates()
        lost = len(expected - set(received))
        rate = (smtp.handler.count - first_count) / elapsed if elapsed else 0
        print(
            f"mode {args.mode}, one worker with {args.concurrency} processes: "
            f"sent {sent}/{args.emails} in {elapsed:.1f} s = {rate:.0f} emails/s"
        )
        print(f"duplicates: {duplicates}  lost: {lost}  received: {smtp.handler.count}")
        ok = sent == args.emails and duplicates == 0 and lost == 0
        return 0 if ok else 1
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
        smtp.stop()
        from django.db import connections

        connections.close_all()
        if not args.keep_database:
            admin_sql(database_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
