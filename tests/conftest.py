"""Shared fixtures, and the rule for tests that need the real services.

Tests marked ``services`` talk to Postgres, Redis and a Celery worker. On a
laptop without them they are skipped with the reason; in CI (``CI`` set) a
missing service fails the run instead, so a green CI means they really ran.
"""

import os
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.cache import cache

IN_CI = bool(os.environ.get("CI"))


def _reachable(url, default_port):
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def missing_services():
    """Names of the services the ``services`` tests need that do not answer."""
    missing = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        missing.append("Postgres (DATABASE_URL is not a postgres:// URL)")
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        missing.append("Redis (REDIS_URL is not set)")
    elif not _reachable(redis_url, 6379):
        missing.append(f"Redis (nothing answers at {redis_url})")
    return missing


def pytest_configure(config):
    # Real hashing costs a quarter of a second a password: tests would spend
    # minutes making users. What is tested is the login flow, not PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_sessionstart(session):
    if IN_CI and (missing := missing_services()):
        raise pytest.UsageError(
            "CI needs these services and they are missing: " + "; ".join(missing)
        )
    if settings.CACHE_URL and settings.CACHE_URL == settings.CELERY_BROKER_URL:
        # Tests clear the cache; on the broker's database that would drop queued tasks.
        raise pytest.UsageError(
            "CACHE_URL and the Celery broker share one Redis database; "
            "set CACHE_URL=redis://127.0.0.1:6379/1 (as `make test` does)."
        )


def pytest_collection_modifyitems(config, items):
    missing = missing_services()
    if not missing or IN_CI:
        return
    skip = pytest.mark.skip(reason="needs " + ", ".join(missing) + " (CI runs these)")
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads and renditions go to a folder of this test's own, never the checkout's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def eager_celery():
    """Run tasks in this process, as the quick start does without a broker.

    For tests of what a task does rather than how it travels; the outbox's
    failure tests use real workers instead (tests/notifications/conftest.py).
    """
    from cnca.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def hanging_server():
    """A TCP server that accepts and never answers (tests/netfaults.py)."""
    from .netfaults import HangingServer

    server = HangingServer()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached reads must not leak from one test into another."""
    from cnca.health import forget_last_result

    cache.clear()
    forget_last_result()  # /healthz keeps its last answer a few seconds
    yield
    cache.clear()
