"""/healthz reports the database, cache and broker honestly."""

import socket

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthy_when_everything_configured_answers(client, settings):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["state"] == "ok"
    assert body["checks"]["cache"]["state"] == "ok"
    expected_broker = "ok" if settings.CELERY_BROKER_URL else "not configured"
    assert body["checks"]["broker"]["state"] == expected_broker
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.services
def test_broker_and_cache_are_the_real_redis(client, settings):
    body = client.get("/healthz").json()

    assert body["checks"]["broker"]["state"] == "ok"
    assert body["checks"]["cache"]["detail"] == "RedisCache"
    assert body["checks"]["database"]["detail"] == "postgresql"


def test_a_broker_that_does_not_answer_makes_it_503(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["state"] == "error"
    assert body["checks"]["database"]["state"] == "ok"


def test_a_cache_that_does_not_answer_makes_it_503(client):
    dead_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    with override_settings(CACHES=dead_cache):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["state"] == "error"


def test_only_get(client):
    assert client.post("/healthz").status_code == 405
