"""Discovery: robots.txt, the sitemap index and its sections, titles and descriptions."""

import re
import xml.etree.ElementTree as ET  # our own sitemap, not untrusted XML
from io import StringIO
from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from tests.factories import MemberCityFactory
from tests.querycount import queries_of_get
from tests.resources.factories import ResourceFactory

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_paths(client):
    """Every path the sitemap index leads to, by section."""
    index = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314
    sections = {}
    for loc in index.findall("sm:sitemap/sm:loc", NS):
        section_path = urlparse(loc.text).path
        response = client.get(section_path)
        assert response.status_code == 200, section_path
        urls = ET.fromstring(response.content).findall("sm:url/sm:loc", NS)  # noqa: S314
        sections[section_path] = [urlparse(url.text).path for url in urls]
    return sections


def test_robots_txt_points_to_the_sitemap_and_keeps_robots_out_of_search(client):
    response = client.get("/robots.txt")
    text = response.content.decode()

    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in text.splitlines()
    assert "Disallow: /search/" in text.splitlines()


def test_the_sitemap_lists_pages_cities_and_public_resources_only(client):
    MemberCityFactory(slug="oslo", name="Oslo")
    ResourceFactory(slug="public-report")
    ResourceFactory(slug="draft-report", is_published=False)

    sections = sitemap_paths(client)
    every_path = [path for paths in sections.values() for path in paths]

    assert set(sections) >= {
        "/sitemap-pages.xml",
        "/sitemap-cities.xml",
        "/sitemap-resources.xml",
    }
    assert "/" in sections["/sitemap-pages.xml"]
    assert "/contact/" in sections["/sitemap-pages.xml"]
    assert sections["/sitemap-cities.xml"] == ["/cities/oslo/"]
    assert sections["/sitemap-resources.xml"] == ["/resources/public-report/"]
    assert "/resources/draft-report/" not in every_path


def test_a_section_sitemap_costs_the_same_for_5_and_50_rows(client):
    ResourceFactory.create_batch(5)
    MemberCityFactory.create_batch(5)
    small = [queries_of_get(client, p) for p in ("/sitemap-resources.xml", "/sitemap-cities.xml")]
    ResourceFactory.create_batch(45)
    MemberCityFactory.create_batch(45)
    large = [queries_of_get(client, p) for p in ("/sitemap-resources.xml", "/sitemap-cities.xml")]

    assert small == large


def test_every_public_page_has_its_own_title_and_description(client):
    call_command("load_cnca_content", stdout=StringIO())
    paths = [path for paths in sitemap_paths(client).values() for path in paths]
    titles = {}
    for path in paths:
        html = client.get(path).content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
        description = re.search(r'<meta name="description" content="([^"]*)">', html).group(1)
        assert title, path
        assert description.strip(), path
        titles.setdefault(title, []).append(path)

    assert len(paths) > 30
    assert {t: p for t, p in titles.items() if len(p) > 1} == {}
