"""The map of the member cities: projection, markers, and the pages that show it."""

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from members.models import MemberCity
from members.worldmap import HEIGHT, WIDTH, WORLD_VIEW, city_map, project
from tests.factories import MemberCityFactory

MARKER = re.compile(r'<a href="(?P<url>/cities/[^"]+/)" aria-label="(?P<name>[^"]+)"')


def markers(response):
    """(name, address) of each marker link on the page's map."""
    svg = re.search(r"<svg viewBox=.*?</svg>", response.text, re.S)
    return sorted((m["name"], m["url"]) for m in MARKER.finditer(svg.group(0))) if svg else []


@pytest.fixture
def content(db):
    call_command("load_cnca_content", stdout=StringIO())


# --- The projection ----------------------------------------------------------------


def test_projection_puts_the_world_in_the_maps_box():
    assert project(0, 0) == (WIDTH / 2, HEIGHT / 2)
    assert project(0, 180)[0] == pytest.approx(WIDTH, abs=0.1)
    assert project(0, -180)[0] == pytest.approx(0, abs=0.1)
    assert project(90, 0)[1] == pytest.approx(0, abs=1)
    north, south = project(60, 25), project(-34, 151)  # Helsinki, Sydney
    assert north[1] < HEIGHT / 2 < south[1]
    assert north[0] < south[0]


def test_the_country_shapes_are_drawn_in_the_same_coordinates():
    svg = (settings.BASE_DIR / "static" / "img" / "world-map.svg").read_text()
    assert f'viewBox="0 0 {WIDTH} {HEIGHT}"' in svg
    assert svg.count("<path ") > 150  # one shape per country
    assert "<script" not in svg


def test_a_map_shows_only_cities_with_a_place():
    placed = MemberCity(name="Oslo", slug="oslo", latitude=Decimal("59.9"), longitude=10)
    unplaced = MemberCity(name="Nowhere", slug="nowhere")

    world = city_map([placed, unplaced])

    assert [marker.name for marker in world.markers] == ["Oslo"]
    assert world.view_box == WORLD_VIEW
    assert city_map([unplaced]) is None


def test_a_city_map_centres_on_the_city_and_marks_it():
    oslo = MemberCity(pk=1, name="Oslo", slug="oslo", latitude=59.9, longitude=10.75)
    berlin = MemberCity(pk=2, name="Berlin", slug="berlin", latitude=52.52, longitude=13.4)

    focus = city_map([oslo, berlin], focus=oslo)

    left, top, width, height = focus.view_box
    x, y = project(59.9, 10.75)
    assert left <= x <= left + width
    assert top <= y <= top + height
    assert width < WIDTH
    # The city itself is drawn last (on top) and marked as the current page.
    assert [(m.name, m.current) for m in focus.markers] == [("Berlin", False), ("Oslo", True)]


def test_a_city_map_leaves_out_the_cities_outside_its_window():
    oslo = MemberCity(pk=1, name="Oslo", slug="oslo", latitude=59.9, longitude=10.75)
    berlin = MemberCity(pk=2, name="Berlin", slug="berlin", latitude=52.52, longitude=13.4)
    sydney = MemberCity(pk=3, name="Sydney", slug="sydney", latitude=-33.87, longitude=151.2)

    focus = city_map([sydney, oslo, berlin], focus=oslo)

    # A marker out of sight would still be a link to tab to.
    assert [m.name for m in focus.markers] == ["Berlin", "Oslo"]
    assert [m.name for m in city_map([sydney, oslo, berlin]).markers] == [
        "Sydney",
        "Oslo",
        "Berlin",
    ]


# --- The pages --------------------------------------------------------------------


@pytest.mark.django_db
def test_home_map_has_a_named_link_for_every_member_city(client, content):
    response = client.get(reverse("cnca:home"))

    expected = sorted((city.name, city.get_absolute_url()) for city in MemberCity.objects.current())
    assert len(expected) == 21
    assert markers(response) == expected
    # The list beside it holds the same links: the accessible equivalent.
    for name, url in expected:
        assert f'<li><a href="{url}">{name}</a></li>' in response.text


@pytest.mark.django_db
def test_city_list_map_shows_every_member_city(client, content):
    response = client.get(reverse("members:city_list"))

    assert len(markers(response)) == MemberCity.objects.current().count() == 21


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"country": "US"},
        {"region": "europe"},
        {"founding_member": "false"},
        {"target_year": "2025"},
    ],
)
def test_city_list_map_follows_the_filters(client, content, query):
    response = client.get(reverse("members:city_list"), query)

    listed = sorted((city.name, city.get_absolute_url()) for city in response.context["cities"])
    assert listed
    assert len(listed) < 21
    assert markers(response) == listed


@pytest.mark.django_db
def test_city_list_map_shows_every_match_not_only_this_page(client):
    for number in range(50):
        MemberCityFactory(latitude=Decimal(number), longitude=Decimal(number))

    response = client.get(reverse("members:city_list"))

    assert len(response.context["cities"]) == 48
    assert len(markers(response)) == 50


@pytest.mark.django_db
def test_no_map_when_the_filter_is_invalid_or_matches_nothing(client, content):
    assert markers(client.get(reverse("members:city_list"), {"country": "ZZ"})) == []
    empty = client.get(reverse("members:city_list"), {"country": "DK", "target_year": "2050"})
    assert "<svg" not in empty.text


@pytest.mark.django_db
def test_former_members_are_not_on_the_map(client, content):
    MemberCity.objects.filter(slug="oslo").update(status=MemberCity.Status.FORMER)

    names = [name for name, _ in markers(client.get(reverse("cnca:home")))]

    assert "Oslo" not in names
    assert len(names) == 20


@pytest.mark.django_db
def test_city_page_shows_its_place_on_the_map(client, content):
    response = client.get(reverse("members:city_detail", kwargs={"slug": "copenhagen"}))

    assert 'href="/cities/copenhagen/" aria-label="Copenhagen" aria-current="page"' in response.text
    # Its neighbours are there too, as links; cities the window does not show are not.
    assert ("Oslo", "/cities/oslo/") in markers(response)
    assert "Portland" not in dict(markers(response))
    assert 'class="map-label"' in response.text


@pytest.mark.django_db
def test_a_moved_or_new_city_shows_on_the_maps_at_once(client, content):
    copenhagen = reverse("members:city_detail", kwargs={"slug": "copenhagen"})
    assert "Malmo" not in dict(markers(client.get(copenhagen)))  # the places are cached now
    assert len(markers(client.get(reverse("members:city_list")))) == 21

    MemberCity.objects.create(
        name="Malmo", slug="malmo", country="SE", region="europe", latitude=55.6, longitude=13
    )
    oslo = MemberCity.objects.get(slug="oslo")
    oslo.latitude, oslo.longitude = -33.9, 151.2  # moved to Sydney
    oslo.save()

    near_copenhagen = dict(markers(client.get(copenhagen)))
    assert "Malmo" in near_copenhagen
    assert "Oslo" not in near_copenhagen
    assert len(markers(client.get(reverse("members:city_list")))) == 22


@pytest.mark.django_db
def test_map_markup_keeps_to_the_csp(client, content):
    """No inline style and no script: the site's CSP allows neither."""
    html = client.get(reverse("cnca:home")).text
    svg = re.search(r"<svg viewBox=.*?</svg>", html, re.S).group(0)

    assert "style" not in svg
    assert "<script" not in svg
    assert re.search(r'<image href="/static/img/world-map[^"]*\.svg"', svg)
