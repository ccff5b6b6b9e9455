"""Fixtures for the outbox: a real SMTP server on loopback and real Celery workers.

``smtp_server`` is an aiosmtpd server on a free port of 127.0.0.1 that records
what it accepts and can be told to refuse. ``smtp_mailer`` points this test
process's mailer at it. ``celery_worker`` starts real ``celery worker``
processes on the Redis broker, against the pytest-django test database, sending
to ``smtp_server``; each is killed when the test ends.
"""

import contextlib
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connections

from cnca.celery import app as celery_app
from tests.smtp_server import SMTPServer, worker_command

ROOT = Path(__file__).resolve().parents[2]


def wait_until(predicate, timeout=30.0, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"Timed out after {timeout} s waiting for {message}.")


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    yield server
    server.stop()


@pytest.fixture
def smtp_mailer(smtp_server, settings):
    """Send from this process to ``smtp_server`` (the tests otherwise use locmem)."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "cnca.notifications.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": smtp_server.port, "timeout": 5},
        }
    }
    return smtp_server


def _test_database_url():
    db = settings.DATABASES["default"]
    auth = quote(db.get("USER") or "postgres")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return (
        f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


class Worker:
    """A ``celery worker`` process (its own process group), with its log."""

    def __init__(self, tmp_path, env, *, concurrency=2, beat=False):
        self.name = f"outbox-test-{uuid.uuid4().hex[:8]}"
        self.log_path = tmp_path / f"{self.name}.log"
        command = worker_command(
            hostname=f"{self.name}@%h",
            concurrency=concurrency,
            beat_schedule=tmp_path / f"{self.name}-beat" if beat else None,
        )
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self):
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The worker exited early:\n{self.log()}")
            if " ready." in self.log():
                return self
            time.sleep(0.1)
        raise RuntimeError(f"The worker did not start in {timeout} s:\n{self.log()}")

    def kill(self, sig=signal.SIGKILL):
        """Kill the worker and its pool children at once, as a crashed machine would."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self):
        self.kill(signal.SIGKILL)
        self._log.close()


@pytest.fixture
def celery_worker(transactional_db, smtp_server, tmp_path):
    """Start real workers: ``celery_worker(**env_overrides)`` returns a ready Worker.

    Every worker uses the test database (the test must be
    ``django_db(transaction=True)`` for it to see the rows) and sends to
    ``smtp_server``; retries are fast. All are killed at the end of the test.
    """
    workers = []
    # Messages left on the test broker by an earlier run would only be no-ops,
    # but they would keep the new worker busy.
    celery_app.control.purge()
    # The workers must see what this process committed, and this process must
    # hold no connection they would wait on.
    connections.close_all()

    def start(*, concurrency=2, beat=False, **overrides):
        env = {
            **os.environ,
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": _test_database_url(),
            "CONN_MAX_AGE": "0",
            "EMAIL_URL": smtp_server.url,
            "EMAIL_TIMEOUT": "10",
            "NOTIFICATIONS_RETRY_BASE": "0.2",
            "NOTIFICATIONS_RETRY_MAX": "2",
            "NOTIFICATIONS_MAX_ATTEMPTS": "5",
            "LOG_LEVEL": "INFO",
            **{name: str(value) for name, value in overrides.items()},
        }
        worker = Worker(tmp_path, env, concurrency=concurrency, beat=beat)
        workers.append(worker)
        return worker.wait_ready()

    yield start
    for worker in workers:
        worker.stop()
    # The workers' connections must be gone before the tables are flushed.
    connections.close_all()
