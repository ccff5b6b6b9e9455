"""The Innovation Fund page read from the public record; the navigation marks each section."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import MemberCityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cities():
    for name in ["Portland", "London", "New York City", "Boulder", "Washington DC"]:
        MemberCityFactory(name=name, slug=name.lower().replace(" ", "-"))


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_fund_page_shows_the_record_and_the_rounds_newest_first(client, cities):
    response = client.get(reverse("innovation_fund:index"))

    assert response.status_code == 200
    html = text_of(response)
    assert "it invested $3,255,496 in 36 projects" in html
    assert html.index("Round 3") < html.index("Round 2") < html.index("Round 1")
    # Round 3's awards are all published: they add up to the money available.
    assert "Thermal Decarbonization Initiative for Cities - Phase 2" in html
    assert "US$200,000" in html
    assert '<td class="number">US$650,000</td>' in html
    # Round 2: one published amount, the others a dash explained once under the
    # table; the round's total is the record's.
    assert "London Energiesprong Trial Project" in html
    assert "US$169,200" in html
    assert "Not published" not in html
    assert html.count("not in the public record</span></span>") >= 7
    assert html.count("No partner city, or an amount not in the public record.") == 2
    assert "US$879,240" in html
    assert "The list of projects funded in this round is not in the public record." in html


def test_fund_page_links_member_cities_and_leaves_others_as_text(client, cities):
    html = text_of(client.get(reverse("innovation_fund:index")))

    assert '<a href="/cities/portland/">Portland</a>' in html
    assert '<a href="/cities/boulder/">Boulder</a>' in html
    # Seattle is not in this test's database: its name stands without a link.
    assert '<td data-label="Lead city">Seattle</td>' in html


def test_fund_page_needs_one_query_for_5_and_50_cities(client):
    url = reverse("innovation_fund:index")
    MemberCityFactory.create_batch(5)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    MemberCityFactory.create_batch(45)
    with CaptureQueriesContext(connection) as large:
        client.get(url)

    assert len(small) == len(large) == 1


@pytest.mark.parametrize(
    ("name", "link"),
    [
        ("innovation_fund:index", "Innovation Fund"),
        ("news:index", "News"),
        ("resources:index", "Resources"),
    ],
)
def test_the_navigation_marks_the_section(client, db, name, link):
    html = client.get(reverse(name)).content.decode()

    assert f'aria-current="page">{link}</a>' in html
    assert html.count("<h1") == 1
