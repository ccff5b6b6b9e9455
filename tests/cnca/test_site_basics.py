"""Site basics every page shares: error titles, share cards, icons, footer pages."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import MemberCityFactory

pytestmark = pytest.mark.django_db


def title(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


def test_a_form_with_errors_titles_the_page_error(client):
    response = client.post(
        reverse("account:login"), {"username": "nobody@example.org", "password": "wrong"}
    )

    assert response.status_code == 200
    assert title(response).startswith("Error: ")


def test_a_page_without_errors_has_its_plain_title(client):
    response = client.get(reverse("account:login"))

    assert not title(response).startswith("Error")


def test_an_invalid_filter_titles_the_city_list_error(client):
    MemberCityFactory()

    assert title(client.get(reverse("members:city_list"), {"country": "ZZ"})).startswith("Error: ")
    assert title(client.get(reverse("members:city_list"))) == "Member cities | CNCA"


def test_share_cards_and_icons(client):
    MemberCityFactory(name="Oslo", slug="oslo")

    html = client.get(reverse("members:city_detail", kwargs={"slug": "oslo"})).content.decode()

    assert '<meta property="og:title" content="Oslo">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert re.search(
        r'<meta property="og:image" content="http://testserver/static/img/share[^"]*\.png">', html
    )
    # No og:url: on an error page it would echo whatever path was asked for.
    assert "og:url" not in html
    assert re.search(
        r'<link rel="apple-touch-icon" href="/static/img/apple-touch-icon[^"]*\.png">', html
    )
    assert re.search(r'<link rel="icon" href="/static/img/icon-32[^"]*\.png"', html)
    for name in ("share.png", "apple-touch-icon.png", "icon-32.png", "icon-192.png"):
        assert (settings.BASE_DIR / "static" / "img" / name).read_bytes()[
            :8
        ] == b"\x89PNG\r\n\x1a\n"


def test_titles_are_escaped_once(client):
    MemberCityFactory(name="Rock & Roll", slug="rock")

    html = client.get(reverse("members:city_detail", kwargs={"slug": "rock"})).content.decode()

    assert "<title>Rock &amp; Roll | CNCA</title>" in html
    assert '<meta property="og:title" content="Rock &amp; Roll">' in html


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("cnca:privacy", "Privacy notice"),
        ("cnca:accessibility", "Accessibility statement"),
        ("cnca:site_map", "Site map"),
    ],
)
def test_footer_pages(client, name, heading):
    home = client.get(reverse("cnca:home")).content.decode()
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()
    assert f'<a href="{reverse(name)}">' in home.split('class="site-footer"')[1]


def test_privacy_notice_says_what_is_stored_and_for_how_long(client):
    text = client.get(reverse("cnca:privacy")).content.decode()

    for fact in (
        "sessionid",
        "two weeks",
        "Five failures",
        "an hour",
        "no analytics",
        "contact form",
    ):
        assert fact in text


def test_accessibility_statement_names_the_standard_and_the_tests(client):
    text = client.get(reverse("cnca:accessibility")).content.decode()

    for fact in ("WCAG", "2.2", "level AA", "axe-core", "Nu HTML Checker", "320"):
        assert fact in text


def test_site_map_lists_the_sections_and_every_member_city(client):
    cities = [MemberCityFactory(name=f"City {n}", slug=f"city-{n}") for n in range(3)]

    html = client.get(reverse("cnca:site_map")).content.decode()

    for path in ("/", "/about/", "/cities/", "/innovation-fund/", "/news/", "/resources/"):
        assert f'<a href="{path}">' in html
    for city in cities:
        assert f'<a href="{city.get_absolute_url()}">{city.name}</a>' in html
