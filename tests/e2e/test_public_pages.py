"""The pages of the site shell, and every public page under the site's CSP."""

import pytest
from playwright.sync_api import expect

from .a11y import assert_accessible
from .helpers import PHONE, assert_no_horizontal_scroll, assert_no_problems, visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

JOURNEY_PAGES = ["/", "/cities/", "/cities/?country=US", "/cities/portland/"]
SHELL_PAGES = [
    "/about/",
    "/contact/",
    "/innovation-fund/",
    "/news/",
    "/resources/",
    "/account/login/",
    "/account/password/reset/",
]
SCREENS = {"desktop": {}, "phone": PHONE}


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("path", SHELL_PAGES)
def test_page_is_accessible(cnca_content, live_server, new_page, path, screen):
    page = new_page(bypass_csp=True, **SCREENS[screen])
    visit(page, live_server.url + path)
    assert_no_problems(page)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    if screen == "phone":
        assert_no_horizontal_scroll(page)


@pytest.mark.parametrize(
    ("link", "path"),
    [
        ("Innovation Fund", "/innovation-fund/"),
        ("News", "/news/"),
        ("Resources", "/resources/"),
        ("About", "/about/"),
        ("Contact", "/contact/"),
    ],
)
def test_main_navigation_reaches_the_page(cnca_content, live_server, new_page, link, path):
    page = new_page()
    visit(page, live_server.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name=link, exact=True).click()
    expect(page).to_have_url(live_server.url + path)
    assert_no_problems(page)


def test_pages_load_under_the_csp_without_console_errors(cnca_content, live_server, new_page):
    page = new_page()  # no bypass_csp: the site's own policy applies
    for path in JOURNEY_PAGES + SHELL_PAGES:
        visit(page, live_server.url + path)
        assert_no_problems(page)
