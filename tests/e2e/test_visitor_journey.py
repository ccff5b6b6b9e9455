"""A visitor's journey through the public site, in a real browser.

Home -> Cities -> filter by country -> Portland, on a desktop and on a phone;
every page the journey visits is audited with axe-core (WCAG 2.x A/AA). Also:
the skip link works from the keyboard and the home page works without
JavaScript.
"""

import re

import pytest
from playwright.sync_api import expect

from members.models import MemberCity

from .a11y import assert_accessible
from .helpers import PHONE, arrived, assert_no_horizontal_scroll, assert_no_problems, visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

US = "United States of America"


def _count_text(n):
    """The count as the list shows it: '21 cities', '8 matching member cities', '1 city'."""
    return re.compile(rf"\b{n} ([a-z]+ ){{0,2}}cit(y|ies)\b", re.IGNORECASE)


def walk_the_journey(page, base_url, check=assert_accessible):
    """Home -> Cities -> filter by country -> Portland, checking each page."""
    members = MemberCity.objects.current()
    us_cities = list(members.filter(country="US").values_list("name", flat=True))
    assert "Portland" in us_cities, "the content should include Portland (US)"

    visit(page, base_url + "/")
    assert_no_problems(page)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check(page)

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Cities", exact=True
    ).click()
    arrived(page, r"/cities/$")
    main = page.get_by_role("main")
    # The list of cities (the map beside it holds the same links).
    listed = main.get_by_role("list", name="Member cities")
    expect(main.get_by_text(_count_text(members.count())).first).to_be_visible()
    expect(listed.get_by_role("link", name="Copenhagen", exact=True)).to_be_visible()
    expect(
        main.get_by_role("group", name="Where these cities are").get_by_role(
            "link", name="Copenhagen", exact=True
        )
    ).to_have_count(1)
    check(page)

    # On a phone the filters are folded under "Filter and sort".
    if not page.get_by_label("Country").is_visible():
        main.locator("summary", has_text="Filter and sort").click()
    page.get_by_label("Country").select_option(label=US)
    page.get_by_role("button", name="Filter").click()
    arrived(page, r"[?&]country=US\b")
    expect(main.get_by_text(_count_text(len(us_cities))).first).to_be_visible()
    for name in us_cities:
        expect(listed.get_by_role("link", name=name, exact=True)).to_be_visible()
    # Neither the list nor the map shows a city the filter leaves out.
    expect(main.get_by_role("link", name="Copenhagen", exact=True)).to_have_count(0)
    expect(main.get_by_role("link", name="Berlin", exact=True)).to_have_count(0)
    # The filter stays chosen, so the visitor sees what the list is filtered by.
    expect(page.get_by_label("Country")).to_have_value("US")
    check(page)

    listed.get_by_role("link", name="Portland", exact=True).click()
    arrived(page, r"/cities/portland/$")
    expect(page.get_by_role("heading", level=1)).to_have_text("Portland")
    check(page)


def test_visitor_finds_portland_by_country(cnca_content, live_server, audit_page):
    walk_the_journey(audit_page, live_server.url)


def test_visitor_journey_on_a_phone(cnca_content, live_server, new_page):
    page = new_page(bypass_csp=True, **PHONE)

    def check(page):
        assert_accessible(page)
        assert_no_horizontal_scroll(page)

    walk_the_journey(page, live_server.url, check)


def test_first_tab_reaches_the_skip_link_and_enter_moves_focus_to_main(
    cnca_content, live_server, new_page
):
    page = new_page()
    visit(page, live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # a skip link may hide until focused, never while focused
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()


def test_home_page_works_without_javascript(cnca_content, live_server, new_page):
    page = new_page(java_script_enabled=False)
    visit(page, live_server.url + "/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_visible()
    for name in ("Cities", "Innovation Fund", "News", "Resources", "About", "Contact"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
