"""The site shell and its own pages: home, about, contact and the error pages."""

import itertools
import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from cnca import urls as site_urls
from cnca import views
from cnca.content import alliance_facts
from members.models import MemberCity, Supporter
from tests.factories import MemberCityFactory, SupporterFactory, UserFactory

# This module doubles as a URL conf for the error-page tests: the site's URLs
# with the error handlers pointed at cnca.views.
urlpatterns = site_urls.urlpatterns
handler403 = "cnca.views.permission_denied"
handler404 = "cnca.views.page_not_found"
handler500 = "cnca.views.server_error"

MISSION_START = "Cities striving for carbon neutrality recognize"
NAV_LINKS = ["Cities", "Innovation Fund", "News", "Resources", "About", "Contact"]


class Outline(HTMLParser):
    """The parts of a page the accessibility rules talk about."""

    def __init__(self):
        super().__init__()
        self.tags = []
        self.headings = []
        self.aria_current = []
        self.inline_styles = 0
        self.inline_scripts = 0
        self._heading = None
        self._link = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "style" in attrs:
            self.inline_styles += 1
        if tag == "script" and "src" not in attrs:
            self.inline_scripts += 1
        if tag == "style":
            self.inline_styles += 1
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [int(tag[1]), ""]
        if tag == "a" and "aria-current" in attrs:
            self._link = [attrs["aria-current"], ""]

    def handle_endtag(self, tag):
        if self._heading and tag == f"h{self._heading[0]}":
            self.headings.append((self._heading[0], self._heading[1].strip()))
            self._heading = None
        if self._link and tag == "a":
            self.aria_current.append((self._link[0], self._link[1].strip()))
            self._link = None

    def handle_data(self, data):
        if self._heading:
            self._heading[1] += data
        if self._link:
            self._link[1] += data

    def count(self, tag, **attrs):
        return sum(
            1 for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        )


def outline(response):
    parser = Outline()
    parser.feed(response.content.decode())
    return parser


def assert_well_formed_page(response):
    """One h1, headings in order, the landmarks, a skip link, no inline style or script."""
    page = outline(response)
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1, page.headings
    assert levels[0] == 1, f"the first heading is not the h1: {page.headings}"
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"heading jumps from h{before} to h{after}: {page.headings}"
    assert page.count("main", id="main") == 1
    assert page.count("header") >= 1
    assert page.count("footer") >= 1
    assert page.count("nav", **{"aria-label": "Main"}) == 1
    assert page.count("a", href="#main") == 1
    assert page.count("div", role="status") == 1
    assert page.inline_styles == 0
    assert page.inline_scripts == 0
    return page


@pytest.fixture
def cities(db):
    return [
        MemberCityFactory(name="Portland", slug="portland", founding_member=True, country="US"),
        MemberCityFactory(name="Copenhagen", slug="copenhagen", founding_member=True, country="DK"),
        MemberCityFactory(name="Helsinki", slug="helsinki", founding_member=False, country="FI"),
        MemberCityFactory(
            name="Gone City", slug="gone-city", status=MemberCity.Status.FORMER, country="US"
        ),
    ]


@pytest.fixture
def supporters(db):
    SupporterFactory(
        name="Urban Sustainability Directors Network",
        short_name="USDN",
        role=Supporter.Role.STAFF,
        website="https://www.usdn.org/",
    )
    SupporterFactory(
        name="C40 Cities Climate Leadership Group", short_name="C40", role=Supporter.Role.PARTNER
    )
    SupporterFactory(
        name="Innovation Network for Communities", short_name="INC", role=Supporter.Role.PARTNER
    )
    SupporterFactory(name="Kresge Foundation", role=Supporter.Role.FUNDER)
    SupporterFactory(name="Summit Foundation", role=Supporter.Role.FUNDER)


PUBLIC_PAGES = [
    "cnca:home",
    "cnca:about",
    "cnca:contact",
    "account:login",
    "account:password_reset",
    "account:password_reset_done",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_every_public_page_has_one_h1_and_the_landmarks(client, name, cities):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert_well_formed_page(response)
    html = response.content.decode()
    for text in NAV_LINKS:
        assert f">{text}</a>" in html


def test_home_shows_the_mission_and_the_member_cities(client, cities):
    response = client.get(reverse("cnca:home"))
    assert response.status_code == 200
    page = assert_well_formed_page(response)
    assert page.headings[0] == (1, "Carbon Neutral Cities Alliance")
    html = response.content.decode()
    for paragraph in alliance_facts()["mission"]["paragraphs"]:
        assert escape(paragraph) in html
    assert MISSION_START in html
    assert alliance_facts()["tagline"] in html
    # Three current members, two of them founding, in three countries; the former one is left out.
    members = response.context["members"]
    assert (members.count, members.founding_count, members.country_count) == (3, 2, 3)
    assert '3</span> <span class="stat-label">member cities' in html
    assert f'<a href="{reverse("members:city_detail", args=["portland"])}">Portland</a>' in html
    assert '<a href="/cities/helsinki/">Helsinki</a>' in html
    assert "Gone City" not in html
    # Not the 2016 news from the seed page.
    assert "Congratulations to each of the awardees" not in html


def test_home_needs_the_same_queries_for_5_and_50_cities(client, db):
    def queries_for_home():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("cnca:home")).status_code == 200
        return len(captured)

    MemberCityFactory.create_batch(5)
    with_5 = queries_for_home()
    MemberCityFactory.create_batch(45)
    with_50 = queries_for_home()
    assert with_5 == with_50
    # The cities, the latest news, and the footer's supporters when not cached.
    assert with_50 <= 4


def test_home_with_no_cities_yet(client, db):
    response = client.get(reverse("cnca:home"))
    assert response.status_code == 200
    assert "The member cities are not listed yet." in response.content.decode()


def test_footer_names_the_staff_partners_and_funders(client, supporters):
    html = client.get(reverse("cnca:home")).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert (
        '<a href="https://www.usdn.org/" rel="noopener">'
        "Urban Sustainability Directors Network (USDN)</a>" in footer
    )
    assert "in partnership with the C40 Cities Climate Leadership Group and the" in footer
    assert "and the Innovation Network for Communities (INC)." in footer
    assert "Kresge Foundation" in footer
    assert "Summit Foundation" in footer


def test_footer_without_supporters_still_renders(client, db):
    response = client.get(reverse("cnca:about"))
    assert response.status_code == 200
    assert "Funders</h2>" not in response.content.decode()


def test_about_has_criteria_governance_and_joining(client, db):
    response = client.get(reverse("cnca:about"))
    assert response.status_code == 200
    page = assert_well_formed_page(response)
    facts = alliance_facts()
    html = response.content.decode()
    headings = [text for _, text in page.headings]
    assert headings[0] == "About the alliance"
    assert {"Membership criteria", "How a city joins", "Governance"} <= set(headings)
    for item in facts["membership_criteria"]["items"]:
        assert f"<li>{item}</li>" in html
    assert escape(facts["joining_process"]["text"]) in html
    assert escape(facts["governance"]["text"]) in html
    assert "June 2014" in html
    assert "30 March 2015" in html


def test_contact_page(client, supporters):
    response = client.get(reverse("cnca:contact"))
    assert response.status_code == 200
    page = assert_well_formed_page(response)
    assert page.headings[0] == (1, "Contact the alliance")
    html = response.content.decode()
    assert "Urban Sustainability Directors Network" in html
    assert reverse("account:login") in html


def test_contact_page_for_a_signed_in_user_links_the_account(client, db):
    client.force_login(UserFactory())
    html = client.get(reverse("cnca:contact")).content.decode()
    assert f'<a href="{reverse("account:dashboard")}">your account</a>' in html


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/about/", [("page", "About")]),
        ("/contact/", [("page", "Contact")]),
        ("/cities/", [("page", "Cities")]),
        ("/cities/portland/", [("true", "Cities")]),
        ("/cities/?page=1", [("page", "Cities")]),
        ("/innovation-fund/", [("page", "Innovation Fund")]),
        ("/account/login/", [("page", "Sign in")]),
        ("/", []),
    ],
)
def test_the_current_section_is_marked_in_the_nav(client, cities, path, current):
    response = client.get(path)
    assert response.status_code == 200
    assert outline(response).aria_current == current


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/account/", [("page", "Your account")]),
        ("/account/password/change/", [("true", "Your account")]),
        ("/about/", [("page", "About")]),
    ],
)
def test_the_account_section_is_marked_for_a_signed_in_user(client, db, path, current):
    client.force_login(UserFactory())
    response = client.get(path)
    assert response.status_code == 200
    assert outline(response).aria_current == current


def test_a_page_that_matches_no_url_marks_nothing(client, db):
    # The 404 page has no resolver match: it must render, with no item current.
    response = client.get("/cities-of-atlantis/")
    assert response.status_code == 404
    assert outline(response).aria_current == []


def test_the_header_offers_sign_in_or_sign_out(client, db):
    html = client.get(reverse("cnca:home")).content.decode()
    assert f'<a href="{reverse("account:login")}">Sign in</a>' in html
    assert "Sign out" not in html
    client.force_login(UserFactory())
    html = client.get(reverse("cnca:home")).content.decode()
    assert "Your account</a>" in html
    assert f'action="{reverse("account:logout")}"' in html
    assert ">Sign out</button>" in html


def test_pages_link_the_stylesheet_and_no_outside_assets(client, db):
    html = client.get(reverse("cnca:home")).content.decode()
    assert 'href="/static/css/site.css"' in html
    assert not re.search(r'(src|href)="(https?:)?//(?!www\.usdn)', html)


# --- Error pages ---------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_404_uses_the_site_template(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = assert_well_formed_page(response)
    assert page.headings[0] == (1, "Page not found")


def test_403_uses_the_site_template(rf, db):
    request = rf.get("/somewhere/")
    request.user = UserFactory()
    response = views.permission_denied(request)
    assert response.status_code == 403
    assert_well_formed_page(response)
    assert "You cannot open this page" in response.content.decode()


def test_500_renders_without_a_request_context():
    # No database, no context processors: the page must still render.
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Something went wrong on our side" in html
    assert '<main id="main"' in html
    assert ">Contact</a>" in html


def test_csrf_failure_explains_what_to_do(rf, db):
    response = views.csrf_failure(rf.post("/account/login/"), reason="CSRF cookie not set.")
    assert response.status_code == 403
    assert_well_formed_page(response)
    assert "This form could not be sent" in response.content.decode()


def test_the_site_urlconf_serves_its_own_error_pages(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_robots_txt_answers_get_and_head(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in response.content.decode()

    head = client.head("/robots.txt")  # require_safe: crawlers and monitors send HEAD
    assert head.status_code == 200
    assert head["Content-Type"].startswith("text/plain")
    assert client.post("/robots.txt").status_code == 405
