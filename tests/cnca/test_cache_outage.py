"""A Redis cache outage degrades pages to the database, never to a 500."""

import logging
import time

import pytest
import time_machine
from django.test import override_settings

from members.models import Supporter
from members.queries import supporters_by_role
from tests.cnca.test_settings import read_settings
from tests.factories import MemberCityFactory, SupporterFactory, UserFactory
from tests.netfaults import closed_port

PUBLIC_PAGES = [
    "/",
    "/about/",
    "/contact/",
    "/cities/",
    "/cities/oslo/",
    "/innovation-fund/",
    "/news/",
    "/resources/",
    "/account/login/",
    "/account/password/reset/",
    "/account/password/reset/sent/",
    "/robots.txt",
]


def redis_cache_at(location):
    return {
        "default": {
            "BACKEND": "cnca.cache.DegradingRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "cnca",
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
        }
    }


@pytest.fixture
def site(db):
    MemberCityFactory(name="Oslo", slug="oslo", country="NO")
    SupporterFactory(name="Kresge Foundation", role=Supporter.Role.FUNDER)


def cache_warnings(caplog):
    return [r for r in caplog.records if r.name == "cnca.cache" and r.levelno >= logging.WARNING]


def test_every_public_page_renders_with_the_cache_on_a_closed_port(client, site, caplog):
    caplog.set_level(logging.INFO, logger="cnca.cache")
    with override_settings(CACHES=redis_cache_at(f"redis://127.0.0.1:{closed_port()}/0")):
        for path in PUBLIC_PAGES:
            response = client.get(path)
            assert response.status_code == 200, path
            if path != "/robots.txt":
                # The footer came from the database.
                assert "Kresge Foundation" in response.content.decode(), path
        assert client.get("/no-such-page/").status_code == 404
        client.force_login(UserFactory())
        assert client.get("/account/").status_code == 200

    # One line for the whole outage, not one per page.
    assert len(cache_warnings(caplog)) == 1
    assert "pages read the database" in cache_warnings(caplog)[0].getMessage()


def test_a_cache_that_accepts_and_never_answers_costs_one_short_timeout(
    client, site, hanging_server, caplog
):
    started = time.monotonic()
    with override_settings(CACHES=redis_cache_at(hanging_server.url())):
        for path in PUBLIC_PAGES:
            assert client.get(path).status_code == 200, path
    elapsed = time.monotonic() - started

    # The first call waited out its 0.3 s timeout; the process then left the
    # cache alone, so no other page went near the hung server.
    assert hanging_server.accepted == 1
    assert elapsed < 0.3 * 2 + 5  # one timeout, plus rendering twelve pages
    assert len(cache_warnings(caplog)) == 1


def test_each_cache_call_answers_as_for_a_missing_key(caplog):
    from cnca.cache import DegradingRedisCache

    dead = DegradingRedisCache(
        f"redis://127.0.0.1:{closed_port()}/0", {"OPTIONS": {"RETRY_AFTER": 0}}
    )

    assert dead.get("key", "missing") == "missing"
    assert dead.set("key", 1) is None
    assert dead.add("key", 1) is False
    assert dead.get_many(["a", "b"]) == {}
    assert dead.has_key("key") is False
    assert dead.delete("key") is False
    assert dead.get_or_set("key", 5) == 5
    with pytest.raises(ValueError, match="unavailable"):
        dead.incr("key")
    # RETRY_AFTER 0: every call above tried Redis, yet the outage is one line.
    assert len(cache_warnings(caplog)) == 1


@pytest.mark.services
def test_a_recovered_redis_is_logged_and_used(settings, caplog):
    from cnca import cache as cache_module
    from cnca.cache import DegradingRedisCache

    caplog.set_level(logging.INFO, logger="cnca.cache")
    live = DegradingRedisCache(settings.CACHE_URL, {"OPTIONS": {"RETRY_AFTER": 0}})
    # Pretend this server failed a moment ago.
    cache_module._outages[live._server_key] = time.monotonic()

    live.set("healthz-recovery", "1", timeout=5)

    assert live.get("healthz-recovery") == "1"
    assert live._server_key not in cache_module._outages
    assert [r.getMessage() for r in caplog.records] == ["The cache answers again."]


@pytest.mark.django_db
def test_without_redis_an_edit_in_another_process_shows_within_a_minute(settings):
    # Several processes, no Redis: each has its own memory cache, and a save in
    # one process cannot clear the others'. An update without signals stands
    # for that other process's save. The timeout is the shipped settings' own.
    timeout = read_settings({"DJANGO_DEBUG": "true"})["cache_timeout"]
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "TIMEOUT": timeout}
    }
    funder = SupporterFactory(name="Kresge Foundation", role=Supporter.Role.FUNDER)
    with time_machine.travel("2026-06-01 12:00", tick=False) as clock:
        assert supporters_by_role()["funder"][0]["name"] == "Kresge Foundation"
        Supporter.objects.filter(pk=funder.pk).update(name="The Kresge Foundation")

        clock.shift(30)
        assert supporters_by_role()["funder"][0]["name"] == "Kresge Foundation"  # still cached
        clock.shift(31)
        assert supporters_by_role()["funder"][0]["name"] == "The Kresge Foundation"


@pytest.mark.services
def test_one_redis_client_serves_every_call(settings):
    # Django would build a redis-py client (and its table of reply handlers) per call.
    from cnca.cache import DegradingRedisCache

    live = DegradingRedisCache(settings.CACHE_URL, {"OPTIONS": {}})
    made = []
    real = live._cache._client
    live._cache._client = lambda **kwargs: made.append(1) or real(**kwargs)

    live.set("client-reuse", "1", timeout=5)
    for _ in range(3):
        assert live.get("client-reuse") == "1"
    live.delete("client-reuse")

    assert len(made) == 1
