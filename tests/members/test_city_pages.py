"""The public city list and city pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import MemberCity, Region
from tests.factories import MemberCityFactory

pytestmark = pytest.mark.django_db

CITY_LIST = reverse("members:city_list")


@pytest.fixture
def cities():
    return {
        "portland": MemberCityFactory(
            name="Portland",
            slug="portland",
            country="US",
            founding_member=True,
            target="40% below 1990 by 2030, 80% by 2050",
            target_year=2050,
            baseline_year=1990,
            reduction_percent=80,
        ),
        "copenhagen": MemberCityFactory(
            name="Copenhagen",
            slug="copenhagen",
            country="DK",
            region=Region.EUROPE,
            founding_member=True,
            target="Carbon neutral by 2025",
            target_year=2025,
        ),
        "helsinki": MemberCityFactory(
            name="Helsinki",
            slug="helsinki",
            country="FI",
            region=Region.EUROPE,
            target="Carbon neutral by 2035",
            target_year=2035,
        ),
        "adelaide": MemberCityFactory(
            name="Adelaide",
            slug="adelaide",
            country="AU",
            region=Region.OCEANIA,
            target_year=None,
            target="",
        ),
    }


def names(response):
    return [city.name for city in response.context["cities"]]


def test_lists_current_members_by_name_with_count(client, cities):
    MemberCityFactory(name="Gone City", status=MemberCity.Status.FORMER)

    response = client.get(CITY_LIST)

    assert response.status_code == 200
    assert names(response) == ["Adelaide", "Copenhagen", "Helsinki", "Portland"]
    assert "4 member cities" in response.text
    assert "Gone City" not in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"country": "DK"}, ["Copenhagen"]),
        ({"region": "europe"}, ["Copenhagen", "Helsinki"]),
        ({"founding_member": "true"}, ["Copenhagen", "Portland"]),
        ({"founding_member": "false"}, ["Adelaide", "Helsinki"]),
        ({"target_year": "2035"}, ["Helsinki"]),
        ({"region": "europe", "founding_member": "false"}, ["Helsinki"]),
    ],
)
def test_filters(client, cities, query, expected):
    response = client.get(CITY_LIST, query)

    assert names(response) == expected
    count = len(expected)
    assert f"{count} matching member cit{'y' if count == 1 else 'ies'}" in response.text


def test_sort_by_target_year_puts_cities_without_a_year_last(client, cities):
    assert names(client.get(CITY_LIST, {"sort": "target_year"})) == [
        "Copenhagen",
        "Helsinki",
        "Portland",
        "Adelaide",
    ]
    assert names(client.get(CITY_LIST, {"sort": "-target_year"})) == [
        "Portland",
        "Helsinki",
        "Copenhagen",
        "Adelaide",
    ]
    assert names(client.get(CITY_LIST, {"sort": "-name"})) == [
        "Portland",
        "Helsinki",
        "Copenhagen",
        "Adelaide",
    ]


def test_filter_choices_come_from_the_members(client, cities):
    form = client.get(CITY_LIST).context["filter"].form

    assert [code for code, _ in form.fields["country"].choices if code] == ["AU", "DK", "FI", "US"]
    assert [year for year, _ in form.fields["target_year"].choices if year] == [2025, 2035, 2050]


def test_filter_choices_follow_the_members_at_once(client, cities):
    client.get(CITY_LIST)  # the choices are cached now

    MemberCityFactory(name="Yokohama", slug="yokohama", country="JP", target_year=2041)
    cities["adelaide"].status = MemberCity.Status.FORMER
    cities["adelaide"].save()
    form = client.get(CITY_LIST).context["filter"].form

    assert [code for code, _ in form.fields["country"].choices if code] == ["DK", "FI", "JP", "US"]
    assert 2041 in [year for year, _ in form.fields["target_year"].choices]
    assert client.get(CITY_LIST, {"country": "JP"}).context["cities"][0].name == "Yokohama"


def test_cards_name_each_city_country(client, cities):
    html = client.get(CITY_LIST).text

    assert '<span class="card-country">Denmark</span>' in html
    assert '<span class="card-country">United States of America</span>' in html


def test_filters_are_kept_in_the_form(client, cities):
    response = client.get(CITY_LIST, {"region": "europe", "sort": "target_year"})

    assert '<option value="europe" selected>' in response.text
    assert '<option value="target_year" selected>' in response.text


def test_pagination_links_keep_the_filters(client):
    MemberCityFactory.create_batch(50, region=Region.EUROPE)

    response = client.get(CITY_LIST, {"region": "europe", "sort": "-name"})

    assert "Page 1 of 2" in response.text
    assert 'href="?region=europe&amp;sort=-name&amp;page=2"' in response.text
    second = client.get(CITY_LIST, {"region": "europe", "sort": "-name", "page": "2"})
    assert len(second.context["cities"]) == 2


def test_an_unknown_filter_value_explains_itself_and_lists_nothing(client, cities):
    response = client.get(CITY_LIST, {"country": "ZZ"})

    assert response.status_code == 200
    assert names(response) == []
    assert "There is a problem" in response.text
    assert "Select a valid choice" in response.text


def test_no_match_offers_a_way_back(client, cities):
    response = client.get(CITY_LIST, {"country": "DK", "target_year": "2050"})

    assert names(response) == []
    assert "No member city matches these filters" in response.text
    assert f'href="{CITY_LIST}"' in response.text


def test_city_page_shows_the_commitment(client, cities):
    response = client.get(reverse("members:city_detail", kwargs={"slug": "portland"}))

    assert response.status_code == 200
    text = response.text
    assert "<h1>Portland</h1>" in text
    assert "40% below 1990 by 2030, 80% by 2050" in text
    assert "80% below 1990 levels" in text
    assert "Founding member" in text
    assert "United States of America" in text


def test_city_page_of_an_unknown_slug_is_404(client, cities):
    response = client.get(reverse("members:city_detail", kwargs={"slug": "atlantis"}))

    assert response.status_code == 404


def _count_queries(client, url):
    client.get(url)  # warm the cached parts (the footer's supporters)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_name", ["list", "detail", "filtered"])
def test_query_count_does_not_grow_with_cities(client, url_name):
    def url():
        return {
            "list": CITY_LIST,
            "filtered": CITY_LIST + "?region=north_america&sort=-target_year",
            "detail": reverse("members:city_detail", kwargs={"slug": "test-city-last"}),
        }[url_name]

    MemberCityFactory.create_batch(4)
    MemberCityFactory(slug="test-city-last")
    small = _count_queries(client, url())

    MemberCityFactory.create_batch(45, target_year=2040)
    large = _count_queries(client, url())

    assert MemberCity.objects.count() == 50
    assert small == large
    # A list: the count, the page, and when filtered the matching cities for the map (the
    # filters' choices and every member's place are cached). A city page: the city, its
    # news, its awards.
    assert large == {"list": 2, "filtered": 3, "detail": 3}[url_name]
