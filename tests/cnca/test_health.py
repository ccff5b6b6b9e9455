"""/healthz reports the database, cache and broker honestly, quickly, and discreetly."""

import time

import pytest
from django.test import override_settings

from tests.factories import UserFactory
from tests.netfaults import closed_port

pytestmark = pytest.mark.django_db

TOKEN = "health-token-for-the-monitoring-only"


def dead_cache(location):
    return {
        "default": {
            "BACKEND": "cnca.cache.DegradingRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
        }
    }


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


def test_the_public_sees_states_but_no_backend_or_exception_names(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"

    body = client.get("/healthz").json()

    assert body["checks"]["broker"] == {"state": "error"}
    assert body["checks"]["database"] == {"state": "ok"}
    assert "detail" not in str(body)


def test_staff_and_the_token_holder_see_the_details(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    settings.HEALTHZ_TOKEN = TOKEN

    with_token = client.get("/healthz", headers={"X-Healthz-Token": TOKEN}).json()
    wrong_token = client.get("/healthz", headers={"X-Healthz-Token": TOKEN + "x"}).json()
    client.force_login(UserFactory(is_staff=True))
    as_staff = client.get("/healthz").json()

    assert with_token["checks"]["broker"] == {"state": "error", "detail": "ConnectionError"}
    assert "detail" not in wrong_token["checks"]["broker"]
    assert as_staff["checks"]["broker"]["detail"] == "ConnectionError"
    assert as_staff["checks"]["database"]["detail"] in ("postgresql", "sqlite")


def test_an_empty_token_setting_opens_nothing(client, settings):
    settings.HEALTHZ_TOKEN = ""

    body = client.get("/healthz", headers={"X-Healthz-Token": ""}).json()

    assert "detail" not in body["checks"]["database"]


@pytest.mark.services
def test_broker_and_cache_are_the_real_redis(client, settings):
    client.force_login(UserFactory(is_staff=True))
    body = client.get("/healthz").json()

    assert body["checks"]["broker"]["state"] == "ok"
    assert body["checks"]["cache"]["detail"] == "DegradingRedisCache"
    assert body["checks"]["database"]["detail"] == "postgresql"


def test_a_broker_that_does_not_answer_makes_it_503_at_once(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"

    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["state"] == "error"
    assert body["checks"]["database"]["state"] == "ok"
    # A refused port is known at once; no retry with backoff (it held 2 s before).
    assert elapsed < settings.HEALTHZ_TIMEOUT


def test_a_hung_broker_costs_one_timeout_per_window_not_per_request(
    client, settings, hanging_server
):
    settings.CELERY_BROKER_URL = hanging_server.url()
    settings.HEALTHZ_TIMEOUT = 0.3

    started = time.monotonic()
    first = client.get("/healthz")
    first_elapsed = time.monotonic() - started
    for _ in range(5):
        again = client.get("/healthz")
        assert again.status_code == 503

    assert first.status_code == 503
    assert first.json()["checks"]["broker"]["state"] == "error"
    assert 0.3 <= first_elapsed < 1.5
    # The five later polls reused the answer: the hanging broker saw one connection.
    assert hanging_server.accepted == 1


def test_the_answer_is_checked_again_after_the_window(client, settings):
    settings.HEALTHZ_CACHE_SECONDS = 0
    assert client.get("/healthz").status_code == 200

    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    assert client.get("/healthz").status_code == 503


def test_a_cache_that_does_not_answer_makes_it_503(client):
    with override_settings(CACHES=dead_cache(f"redis://127.0.0.1:{closed_port()}/0")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["state"] == "error"


def test_a_hung_cache_makes_it_503_within_its_timeouts(client, hanging_server):
    started = time.monotonic()
    with override_settings(CACHES=dead_cache(hanging_server.url())):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["state"] == "error"
    assert time.monotonic() - started < 2


def test_get_and_head_only(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200
