"""The public news pages, the feeds, the staff preview, and their costs."""

from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.urls import reverse

from news.models import NewsItem
from tests.factories import MemberCityFactory, StaffUserFactory, UserFactory
from tests.innovation_fund.committee_factories import AwardFactory
from tests.innovation_fund.factories import FundRoundFactory
from tests.querycount import queries_of_get

from .factories import NewsItemFactory, TagFactory

pytestmark = pytest.mark.django_db

NEWS = "/news/"
RSS = "/news/feed/rss/"
ATOM = "/news/feed/atom/"


@pytest.fixture
def hidden():
    """A draft and an item scheduled for tomorrow: never shown to the public."""
    return [
        NewsItemFactory(title="Secret draft", slug="secret-draft", status=NewsItem.Status.DRAFT),
        NewsItemFactory(
            title="Embargoed item",
            slug="embargoed-item",
            status=NewsItem.Status.SCHEDULED,
            publish_at=datetime.now(UTC) + timedelta(days=1),
        ),
    ]


def test_list_links_each_item_by_a_heading(client):
    item = NewsItemFactory(title="Oslo opens a bus depot", slug="oslo-depot")
    html = client.get(NEWS).content.decode()
    link = f'<a href="{item.get_absolute_url()}">Oslo opens a bus depot</a>'
    assert f'<h2 class="news-teaser-title">{link}</h2>' in html
    assert html.count("<h1") == 1


def test_drafts_and_scheduled_items_are_nowhere_public(client, hidden):
    NewsItemFactory(title="Public item")
    for url in (NEWS, RSS, ATOM):
        text = client.get(url).content.decode()
        assert "Public item" in text
        assert "Secret draft" not in text
        assert "Embargoed item" not in text
    for item in hidden:
        assert client.get(f"/news/2026/01/{item.slug}/").status_code == 404
        assert client.get(reverse("news:preview", args=[item.pk])).status_code == 302  # to login


def test_sitemap_lists_only_public_items(hidden):
    from news.sitemaps import NewsItemSitemap

    public = NewsItemFactory()
    assert list(NewsItemSitemap().items()) == [public]


def test_item_page_has_canonical_and_open_graph(client):
    city = MemberCityFactory(name="Oslo", slug="oslo")
    tag = TagFactory(name="Transport", slug="transport")
    item = NewsItemFactory(
        title="Oslo electrifies its ferries",
        slug="oslo-ferries",
        publish_at=datetime(2024, 6, 3, 10, tzinfo=UTC),
        summary="All ferries now run on batteries.",
        cities=[city],
        tags=[tag],
    )
    html = client.get("/news/2024/06/oslo-ferries/").content.decode()
    assert '<link rel="canonical" href="http://testserver/news/2024/06/oslo-ferries/">' in html
    assert '<meta property="og:title" content="Oslo electrifies its ferries">' in html
    assert '<meta property="og:description" content="All ferries now run on batteries.">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="article:tag" content="Transport">' in html
    assert '<a href="/cities/oslo/">Oslo</a>' in html
    assert "<strong>their plans</strong>" in html  # the body, as sanitized HTML
    assert item.get_absolute_url() == "/news/2024/06/oslo-ferries/"


def test_item_page_shows_its_rounds_awards_for_its_cities(client):
    oslo = MemberCityFactory(name="Oslo", slug="oslo")
    bergen = MemberCityFactory(name="Bergen", slug="bergen")
    fund_round = FundRoundFactory(name="Round 7", slug="round-7")
    ferries = AwardFactory(
        round=fund_round, lead_city=oslo, title="Electric ferries", amount_usd=150000
    )
    AwardFactory(round=fund_round, lead_city=bergen, title="Heat pumps")
    NewsItemFactory(
        slug="awards",
        publish_at=datetime(2024, 6, 3, tzinfo=UTC),
        cities=[oslo],
        rounds=[fund_round],
    )
    html = client.get("/news/2024/06/awards/").content.decode()
    assert f'<a href="{fund_round.get_absolute_url()}">Round 7</a>' in html
    assert (
        f'<a href="{ferries.get_absolute_url()}">Electric ferries</a> '
        '(Round 7; led by <a href="/cities/oslo/">Oslo</a>; US$150,000)'
    ) in html
    assert "Heat pumps" not in html


def test_a_wrong_year_or_month_moves_to_the_right_address(client):
    NewsItemFactory(slug="moved", publish_at=datetime(2024, 6, 3, tzinfo=UTC))
    response = client.get("/news/2023/01/moved/")
    assert response.status_code == 301
    assert response["Location"] == "/news/2024/06/moved/"
    assert client.get("/news/2024/06/unknown/").status_code == 404


def test_filter_by_tag_and_year(client):
    transport = TagFactory(name="Transport", slug="transport")
    NewsItemFactory(title="Ferries", publish_at=datetime(2024, 6, 3, tzinfo=UTC), tags=[transport])
    NewsItemFactory(title="Heat pumps", publish_at=datetime(2023, 2, 1, tzinfo=UTC))
    html = client.get(NEWS, {"tag": "transport"}).content.decode()
    assert "Ferries" in html
    assert "Heat pumps" not in html
    assert "1 matching news item" in html
    html = client.get(NEWS, {"year": "2023"}).content.decode()
    assert "Heat pumps" in html
    assert "Ferries" not in html
    html = client.get(NEWS, {"year": "2023", "tag": "transport"}).content.decode()
    assert "No news item matches these filters." in html


@pytest.mark.parametrize(
    "params", [{"tag": "no-such-topic"}, {"year": "1999"}, {"year": "'; drop table--"}]
)
def test_a_bad_filter_value_says_so(client, params):
    NewsItemFactory(title="Ferries")
    response = client.get(NEWS, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Select a valid choice" in html
    assert "Ferries" not in html


def test_feeds_parse_and_hold_only_public_items(client, hidden):
    NewsItemFactory(title="Public item", summary="What happened.")
    for url in (RSS, ATOM):
        response = client.get(url)
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        assert not feed.bozo, feed.bozo_exception
        assert [entry.title for entry in feed.entries] == ["Public item"]
        entry = feed.entries[0]
        assert entry.link.startswith("http://testserver/news/")
        assert entry.summary == "What happened."
    assert feedparser.parse(client.get(RSS).content).version == "rss20"
    assert feedparser.parse(client.get(ATOM).content).version == "atom10"


def test_the_list_page_offers_the_feeds(client):
    html = client.get(NEWS).content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert '<link rel="alternate" type="application/atom+xml"' in html


def test_preview_is_for_staff_only(client, hidden):
    draft = hidden[0]
    url = reverse("news:preview", args=[draft.pk])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 302  # not staff: to the admin login
    client.force_login(StaffUserFactory())
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This is a draft: only staff see it." in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "Secret draft" in html


def test_a_city_page_lists_its_news(client, hidden):
    city = MemberCityFactory(name="Oslo", slug="oslo")
    NewsItemFactory(title="About Oslo", cities=[city])
    NewsItemFactory(title="About elsewhere")
    hidden[0].cities.add(city)
    html = client.get("/cities/oslo/").content.decode()
    assert "About Oslo" in html
    assert "About elsewhere" not in html
    assert "Secret draft" not in html


def test_the_home_page_shows_the_latest_items(client, hidden):
    for day in range(1, 6):
        NewsItemFactory(title=f"Item of day {day}", publish_at=datetime(2024, 1, day, tzinfo=UTC))
    html = client.get("/").content.decode()
    assert [title for title in (f"Item of day {d}" for d in range(1, 6)) if title in html] == [
        "Item of day 3",
        "Item of day 4",
        "Item of day 5",
    ]
    assert "Secret draft" not in html


def _items(count, tags, cities):
    for n in range(count):
        NewsItemFactory(tags=tags, cities=cities, slug=f"bulk-{count}-{n}")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (NEWS, 5),  # count, topics, years, the page of items, their topics
        (NEWS + "?tag=topic&year=2026", 5),
        (RSS, 2),  # the items, their topics
        (ATOM, 2),
        ("detail", 5),  # the item, its topics, cities and rounds, the awards
        ("/", 1),  # the latest news (the cities' part is cached)
    ],
)
def test_query_counts_do_not_grow_with_items(client, url, expected):
    tags = [TagFactory(name="Topic", slug="topic"), TagFactory(name="Other", slug="other")]
    cities = [MemberCityFactory(), MemberCityFactory()]
    fund_round = FundRoundFactory()
    NewsItemFactory(slug="the-item", tags=tags, cities=cities, rounds=[fund_round])

    def count():
        target = (
            NewsItem.objects.get(slug="the-item").get_absolute_url() if url == "detail" else url
        )
        return queries_of_get(client, target)

    _items(3, tags, cities)
    AwardFactory.create_batch(2, round=fund_round, lead_city=cities[0])
    small = count()
    _items(40, tags, cities)
    AwardFactory.create_batch(10, round=fund_round, lead_city=cities[1])
    large = count()
    assert small == large == expected
