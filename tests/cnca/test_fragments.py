"""Parts of public pages kept rendered in the cache (cnca/fragments.py): read once, then
no query, and forgotten the moment the content behind them changes."""

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.template import Template, TemplateSyntaxError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cnca import fragments
from cnca.fragments import NAMES, cache_key, cached_value, forget_public_fragments
from members.models import Supporter
from tests.factories import MemberCityFactory, SupporterFactory

pytestmark = pytest.mark.django_db


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [query["sql"] for query in queries]


@pytest.fixture
def oslo(db):
    return MemberCityFactory(
        name="Oslo", slug="oslo", country="NO", latitude=Decimal("59.9"), longitude=10
    )


def test_the_home_page_reads_its_cities_and_footer_once(client, oslo):
    SupporterFactory(name="Kresge Foundation", role=Supporter.Role.FUNDER)
    _, first = queries_of(client, "/")
    _, second = queries_of(client, "/")

    assert any("members_membercity" in sql for sql in first)
    assert any("members_supporter" in sql for sql in first)
    # The latest news only: the cities' part and the footer come from the cache.
    assert len(second) == 1
    assert "news_newsitem" in second[0]


def test_a_saved_city_shows_on_the_home_page_at_once(client, oslo):
    assert '<a href="/cities/oslo/">Oslo</a>' in client.get("/").text

    oslo.name = "Kristiania"
    oslo.save()
    MemberCityFactory(name="Bergen", slug="bergen", country="NO")

    html = client.get("/").text
    assert '<a href="/cities/oslo/">Kristiania</a>' in html
    assert '<a href="/cities/bergen/">Bergen</a>' in html


def test_a_deleted_city_leaves_the_home_page_at_once(client, oslo):
    client.get("/")
    oslo.delete()

    assert "The member cities are not listed yet." in client.get("/").text


def footer_of(client, url):
    html = client.get(url).text
    return html[html.index('<footer class="site-footer">') :]


def test_a_supporter_change_shows_in_the_footer_at_once(client, db):
    funder = SupporterFactory(name="Kresge Foundation", role=Supporter.Role.FUNDER)
    assert "<li>Kresge Foundation</li>" in footer_of(client, reverse("cnca:about"))

    funder.name = "The Kresge Foundation"
    funder.save()
    assert "<li>The Kresge Foundation</li>" in footer_of(client, reverse("cnca:privacy"))

    funder.delete()
    assert "Kresge" not in footer_of(client, reverse("cnca:about"))


@pytest.mark.django_db(transaction=True)
def test_what_another_process_cached_during_the_change_is_forgotten_after_the_commit(client):
    oslo = MemberCityFactory(name="Oslo", slug="oslo", country="NO")
    with transaction.atomic():
        oslo.name = "Kristiania"
        oslo.save()
        MemberCityFactory(name="Bergen", slug="bergen", country="NO")
        # Another process renders the home page from the rows as they were.
        cache.set(cache_key("home-cities"), "<p>Oslo, as it was</p>")

    assert "Kristiania" in client.get("/").text


def test_forgetting_forgets_every_fragment_and_value():
    for name in NAMES:
        cache.set(cache_key(name), "kept")

    forget_public_fragments()

    assert cache.get_many([cache_key(name) for name in NAMES]) == {}


def test_a_value_is_computed_once():
    calls = []

    def compute():
        calls.append(1)
        return ["Oslo"]

    assert cached_value("city-filter-choices", compute) == ["Oslo"]
    assert cached_value("city-filter-choices", compute) == ["Oslo"]
    assert len(calls) == 1


def test_a_name_not_listed_is_refused():
    # Something cached under a name forget_public_fragments() does not know would never
    # be forgotten.
    with pytest.raises(TemplateSyntaxError, match="not a public fragment"):
        Template('{% load cnca %}{% public_fragment "sidebar" %}x{% endpublic_fragment %}')
    with pytest.raises(KeyError):
        cached_value("sidebar", list)


def test_a_release_starts_afresh(monkeypatch):
    # Rendered parts name static files by their hashed names: another release's
    # manifest gives other keys.
    before = cache_key("home-cities")
    fragments._release.cache_clear()
    monkeypatch.setattr(staticfiles_storage, "manifest_hash", "b1d5e7", raising=False)
    try:
        assert cache_key("home-cities") != before
        assert "b1d5e7" in cache_key("home-cities")
    finally:
        monkeypatch.undo()
        fragments._release.cache_clear()
    assert cache_key("home-cities") == before


def test_loading_the_content_forgets_every_part_even_when_nothing_changed(client, oslo):
    client.get("/")
    assert cache.get(cache_key("home-cities")) is not None

    call_command("load_cnca_content", stdout=StringIO())
    cache.set(cache_key("home-cities"), "<p>the previous release's markup</p>")
    call_command("load_cnca_content", stdout=StringIO())

    assert cache.get(cache_key("home-cities")) is None
