"""The dated news of the facts, loaded by load_cnca_content."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from cnca.content import load_facts
from news.models import NewsItem
from news.queries import public_news

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    call_command("load_cnca_content", verbosity=0)


def test_every_dated_item_of_the_facts_is_public_history(loaded):
    facts = load_facts()["news"]
    assert public_news().count() == len(facts) == 7
    for fact in facts:
        item = NewsItem.objects.get(slug=fact["slug"])
        assert item.title == fact["title"]
        assert item.publish_at.date() == fact["date"]
        assert item.status == NewsItem.Status.PUBLISHED
        # Loading history mails nobody.
        assert item.email_subscribers is False
        assert item.body_html


def test_items_link_their_cities_and_topics(loaded):
    launch = NewsItem.objects.get(slug="cities-launch-the-carbon-neutral-cities-alliance")
    assert launch.cities.count() == 17
    assert set(launch.cities.values_list("founding_member", flat=True)) == {True}
    london = NewsItem.objects.get(slug="london-accepts-cnca-grant-for-the-energiesprong-trial")
    assert list(london.cities.values_list("slug", flat=True)) == ["london"]
    assert list(london.tags.values_list("name", flat=True)) == ["Innovation Fund"]
    assert list(london.rounds.values_list("slug", flat=True)) == ["round-2"]


def test_loading_twice_creates_nothing_more(loaded):
    call_command("load_cnca_content", verbosity=0)
    assert NewsItem.objects.count() == 7
    assert (
        NewsItem.objects.get(
            slug="london-accepts-cnca-grant-for-the-energiesprong-trial"
        ).cities.count()
        == 1
    )


def test_pages_cite_sources_and_show_no_research_notes(client, loaded):
    pages = [reverse("news:index")] + [item.get_absolute_url() for item in public_news()]
    for url in pages:
        html = client.get(url).content.decode()
        assert "seed-homepage" not in html
        assert ".txt" not in html
        assert "research" not in html.lower()
    london = NewsItem.objects.get(slug="london-accepts-cnca-grant-for-the-energiesprong-trial")
    html = client.get(london.get_absolute_url()).content.decode()
    assert re.search(
        r'Source: <a href="https://www.london.gov.uk/decisions/md2080-energy-leap-project"', html
    )
    assert "US$169,200" in html
    seed = NewsItem.objects.get(slug="finalists-named-for-innovation-fund-round-2")
    html = client.get(seed.get_absolute_url()).content.decode()
    assert "Source: <cite>The alliance&#x27;s home page, Latest News (2016)</cite>" in html


def test_the_list_shows_the_news_newest_first(client, loaded):
    html = client.get(reverse("news:index")).content.decode()
    dates = re.findall(r'<time datetime="(\d{4}-\d{2}-\d{2})', html)
    assert dates == sorted(dates, reverse=True)
    assert dates[0] == "2017-02-15"
    assert len(dates) == 7
