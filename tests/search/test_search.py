"""Site search: what it finds, what it never shows, odd input, and its cost."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cnca import search
from cnca.search import MAX_QUERY_LENGTH, clean_query
from news.models import NewsItem
from tests.factories import MemberCityFactory
from tests.innovation_fund.factories import FundRoundFactory
from tests.innovation_fund.public.factories import AwardFactory, bulk_awards
from tests.news.factories import NewsItemFactory
from tests.pagetext import html_of
from tests.querycount import queries_of_get
from tests.resources.factories import ResourceFactory

pytestmark = pytest.mark.django_db

URL = "/search/"


@pytest.fixture(params=["database", "fallback"])
def backend(request, monkeypatch):
    """Every behaviour test runs on the database's own search (full text on
    Postgres) and on the icontains fallback that SQLite uses."""
    if request.param == "fallback":
        monkeypatch.setattr(search, "uses_full_text", lambda: False)
    return request.param


# --- Finding ------------------------------------------------------------------------


def test_finds_resources_and_cities(client, backend):
    ResourceFactory(title="Framework for deep carbon planning", slug="framework")
    MemberCityFactory(name="Oslo", slug="oslo", target="Carbon neutral by 2050")

    html = html_of(client.get(URL, {"q": "carbon"}))

    assert '<a href="/resources/framework/">Framework for deep carbon planning</a>' in html
    assert '<a href="/cities/oslo/">Oslo</a>' in html
    assert "2 results for “carbon”." in html


def test_finds_awards_by_title_summary_and_partner(client, backend):
    award = AwardFactory(
        title="Thermal decarbonization for cities",
        public_summary="Heat pumps at district scale.",
        other_partners="Burlington, Vermont",
    )

    by_title = html_of(client.get(URL, {"q": "thermal"}))
    by_partner = html_of(client.get(URL, {"q": "Burlington"}))

    link = f'<a href="{award.get_absolute_url()}">Thermal decarbonization for cities</a>'
    assert link in by_title
    assert link in by_partner
    assert "Innovation Fund awards" in by_title


def test_every_word_must_match(client, backend):
    ResourceFactory(title="Thermal decarbonization", summary="Heat pumps for buildings.")
    ResourceFactory(title="Heat networks", summary="District heating.")

    html = html_of(client.get(URL, {"q": "thermal heat"}))

    assert "Thermal decarbonization" in html
    assert "Heat networks" not in html


def test_drafts_never_appear(client, backend):
    ResourceFactory(title="Secret draft about carbon", is_published=False)

    html = html_of(client.get(URL, {"q": "secret"}))

    assert "Secret draft" not in html
    assert "0 results for “secret”." in html


def test_finds_public_news_only(client, backend):
    NewsItemFactory(title="Thermal networks go live", slug="thermal-live")
    NewsItemFactory(title="Thermal draft", status=NewsItem.Status.DRAFT, publish_at=None)
    NewsItemFactory(
        title="Thermal scheduled",
        status=NewsItem.Status.SCHEDULED,
        publish_at=timezone.now() + timedelta(days=1),
    )

    html = html_of(client.get(URL, {"q": "thermal"}))

    assert "Thermal networks go live</a>" in html
    assert "Thermal draft" not in html
    assert "Thermal scheduled" not in html
    assert 'News <span class="muted">(1)</span>' in html


def test_a_scheduled_item_is_found_from_its_time_not_a_second_earlier(client, backend):
    at = timezone.now().replace(microsecond=0) + timedelta(hours=2)
    NewsItemFactory(title="Embargoed thermal news", status=NewsItem.Status.SCHEDULED, publish_at=at)

    with time_machine.travel(at - timedelta(seconds=1), tick=False):
        before = html_of(client.get(URL, {"q": "embargoed"}))
    with time_machine.travel(at, tick=False):
        on_time = html_of(client.get(URL, {"q": "embargoed"}))

    assert "Embargoed thermal news" not in before
    assert "Embargoed thermal news</a>" in on_time


def test_matches_are_marked_and_the_rest_escaped(client, backend):
    ResourceFactory(
        title="Budgets",
        summary="Plain summary.",
        body='Climate budgets, 5 < 6 & <script>alert("x")</script> <b>every</b> city.',
    )

    html = client.get(URL, {"q": "budgets"}).content.decode()

    assert "<mark>budgets</mark>" in html.lower()
    assert "<script>alert" not in html
    assert "<b>every</b>" not in html
    # Postgres's headline drops the tags, the fallback escapes them; both escape the rest.
    assert "5 &lt; 6 &amp;" in html
    assert "alert(&quot;x&quot;)" in html


def test_a_section_pages_through_all_its_hits(client, backend):
    for n in range(25):
        ResourceFactory(title=f"Carbon report {n}")

    overview = html_of(client.get(URL, {"q": "carbon"}))
    first = html_of(client.get(URL, {"q": "carbon", "section": "resources"}))
    second = html_of(client.get(URL, {"q": "carbon", "section": "resources", "page": 2}))

    assert overview.count("<h3>") == 5
    assert "All 25 results in Resources" in overview
    assert "Resources: 25 results for “carbon”" in first
    assert first.count("<h3>") == 20
    assert second.count("<h3>") == 5
    assert "Page 2 of 2" in second


# --- Odd input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        '"unbalanced quote',
        "&|!",
        "a & b | !c",
        "!!!",
        "%",
        "_",
        "\\",
        "carbon:*",
        "(carbon",
        "'; DROP TABLE resources_resource; --",
        "1' OR '1'='1",
        "<script>alert(1)</script>",
        "-",
        "- -carbon",
        "or",
        "the",
        "\u00e9missions z\u00e9ro",
        "\U0001f30d",
        "carbon\x00neutral",
        "\x00",
    ],
)
def test_odd_queries_answer_with_a_page(client, backend, query):
    ResourceFactory(title="Carbon neutral 100%_plan")

    response = client.get(URL, {"q": query})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "\x00" not in html
    assert ("result" in html) or ("Type one or more words" in html)


def test_a_lone_percent_is_not_a_wildcard(client, backend):
    ResourceFactory(title="Energy")

    html = html_of(client.get(URL, {"q": "%"}))

    assert "Energy" not in html


def test_the_empty_query_asks_for_words(client):
    for params in ({}, {"q": ""}, {"q": "   "}, {"q": "\x00\x01"}):
        html = html_of(client.get(URL, params))
        assert "Type one or more words to search for." in html


def test_a_very_long_query_is_shortened_and_says_so(client, backend):
    response = client.get(URL, {"q": "carbon " * 2000})

    html = html_of(response)
    assert response.status_code == 200
    assert f"only its first {MAX_QUERY_LENGTH} characters were searched for" in html


def test_an_unknown_section_or_page_falls_back_gracefully(client):
    ResourceFactory(title="Carbon report")

    assert client.get(URL, {"q": "carbon", "section": "nope"}).status_code == 200
    assert client.get(URL, {"q": "carbon", "section": "resources", "page": "x"}).status_code == 200
    assert client.get(URL, {"q": "carbon", "section": "resources", "page": "99"}).status_code == 200


@pytest.mark.parametrize(
    ("raw", "text", "shortened"),
    [
        ("  carbon   neutral ", "carbon neutral", False),
        ("carbon\x00neutral", "carbon neutral", False),
        ("zero\u200bwidth", "zero width", False),
        ("x" * 300, "x" * MAX_QUERY_LENGTH, True),
        (None, "", False),
    ],
)
def test_clean_query(raw, text, shortened):
    assert clean_query(raw) == search.CleanQuery(text, shortened)


def test_the_page_is_not_for_robots(client):
    html = client.get(URL, {"q": "carbon"}).content.decode()

    assert '<meta name="robots" content="noindex">' in html
    assert 'role="search"' in html


# --- Providers ------------------------------------------------------------------------


def test_a_new_provider_plugs_in_without_touching_the_view(client, monkeypatch):
    class Reports(search.SearchProvider):
        key = "reports"
        label = "Only reports"
        order = 1
        fields = {"title": "A"}
        snippet_fields = ("summary",)

        def queryset(self):
            return ResourceFactory._meta.model.objects.public().filter(kind="report")

        def hit(self, obj, snippet):
            return search.Hit(title=obj.title.upper(), url="/", snippet=snippet)

    monkeypatch.setattr(search, "_registry", [*search.providers()])
    search.register(Reports)
    ResourceFactory(title="Carbon budgets", kind="report")

    html = html_of(client.get(URL, {"q": "carbon"}))

    assert "Only reports" in html
    assert "CARBON BUDGETS" in html


def test_the_sections_are_cities_news_awards_then_resources():
    keys = [provider.key for provider in search.providers()]

    assert keys.index("cities") < keys.index("news") < keys.index("awards")
    assert keys.index("awards") < keys.index("resources")


# --- Cost -----------------------------------------------------------------------------


@pytest.mark.parametrize("params", [{"q": "carbon"}, {"q": "carbon", "section": "resources"}])
def test_queries_do_not_grow_with_the_rows(client, backend, params):
    def make(n):
        for i in range(n):
            ResourceFactory(title=f"Carbon report {i}")
            MemberCityFactory(target=f"Carbon neutral by {2030 + i % 20}")
            NewsItemFactory(title=f"Carbon news {i}")
            AwardFactory(title=f"Carbon award {i}")

    make(6)
    small = queries_of_get(
        client, reverse("cnca:search") + "?" + "&".join(f"{k}={v}" for k, v in params.items())
    )
    make(60)
    large = queries_of_get(
        client, reverse("cnca:search") + "?" + "&".join(f"{k}={v}" for k, v in params.items())
    )

    providers = len(search.providers())
    # A section's count comes with its best hits; a section alone is counted, then paged.
    assert small == large == (providers if "section" not in params else 2)


# --- PostgreSQL full text --------------------------------------------------------------

# Full-text search is PostgreSQL's: these run with the real services (CI).
postgres = pytest.mark.services


@postgres
def test_ranking_puts_title_matches_first(client):
    ResourceFactory(title="Annual report", body="Mentions budgets once, at the end.")
    ResourceFactory(title="Climate budgets", body="All about climate budgets.")

    html = html_of(client.get(URL, {"q": "budgets", "section": "resources"}))

    assert html.index("Climate budgets</a>") < html.index("Annual report</a>")


@postgres
def test_stemming_finds_other_forms_of_a_word(client):
    ResourceFactory(title="Planning for cities", slug="planning")

    html = html_of(client.get(URL, {"q": "planned city"}))

    assert "Planning for cities" in html


@postgres
def test_phrases_and_exclusions(client):
    ResourceFactory(title="Deep carbon reduction", summary="A plan.", body="")
    ResourceFactory(title="Carbon deep dive reduction", summary="A plan.", body="")

    phrase = html_of(client.get(URL, {"q": '"deep carbon"'}))
    excluded = html_of(client.get(URL, {"q": "carbon -dive"}))

    assert "Deep carbon reduction" in phrase
    assert "Carbon deep dive" not in phrase
    assert "Carbon deep dive" not in excluded
    assert "Deep carbon reduction" in excluded


@postgres
@pytest.mark.parametrize(
    ("key", "index"),
    [
        ("resources", "resource_search"),
        ("news", "newsitem_search"),
        ("awards", "award_search"),
    ],
)
def test_the_gin_index_serves_the_query(key, index):
    """The index's expression (in the migration) and the query's are the same."""
    # Enough public rows that reading them all (by any other index) costs more.
    past = timezone.now() - timedelta(days=1)
    NewsItem.objects.bulk_create(
        NewsItem(
            title=f"Item {n}",
            slug=f"item-{n}",
            status=NewsItem.Status.PUBLISHED,
            publish_at=past,
            summary="Cities met.",
            body_text="Cities met.",
        )
        for n in range(500)
    )
    if key == "awards":
        bulk_awards(500, fund_round=FundRoundFactory(), lead_city=MemberCityFactory())
    provider = next(p for p in search.providers() if p.key == key)
    sql, params = provider.search("carbon").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE news_newsitem")
        cursor.execute("ANALYZE innovation_fund_award")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert index in plan, plan


def test_every_page_leads_to_search(client):
    html = client.get(reverse("cnca:home")).content.decode()

    assert '<a href="/search/">Search the site</a>' in html
