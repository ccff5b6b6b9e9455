"""Accessibility of the signed-in pages, the password pages, the error pages and the admin login."""

import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD, CityMembershipFactory, MemberCityFactory

from .a11y import assert_accessible
from .helpers import (
    PHONE,
    arrived,
    assert_no_horizontal_scroll,
    assert_no_problems,
    sign_in,
    visit,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-fresh-long-passphrase-2050"
SCREENS = {"desktop": {}, "phone": PHONE}


def check(page, screen):
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    if screen == "phone":
        assert_no_horizontal_scroll(page)


@pytest.fixture
def member(transactional_db):
    city = MemberCityFactory(name="Portland", slug="portland", country="US")
    return CityMembershipFactory(user__email="ana@portland.example", city=city).user


@pytest.mark.parametrize("screen", SCREENS)
def test_signed_in_pages_and_the_password_change(live_server, new_page, member, screen):
    page = new_page(bypass_csp=True, **SCREENS[screen])
    sign_in(page, live_server.url, member.email, TEST_PASSWORD)
    check(page, screen)  # the account dashboard

    page.get_by_role("link", name="Change your password").click()
    arrived(page, r"/account/password/change/$")
    check(page, screen)

    # A wrong old password: the form again, with its error summary.
    page.get_by_label("Old password").fill("not-my-password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    arrived(page, r"/account/password/change/$")
    check(page, screen)

    page.get_by_label("Old password").fill(TEST_PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    arrived(page, r"/account/password/change/done/$")
    check(page, screen)


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize(
    "path",
    [
        "/account/password/reset/sent/",
        "/account/password/reset/complete/",
        "/account/password/reset/MQ/not-a-valid-token/",  # the "link does not work" page
        "/account/logout/",
    ],
)
def test_password_pages(live_server, new_page, transactional_db, path, screen):
    page = new_page(bypass_csp=True, **SCREENS[screen])
    visit(page, live_server.url + path)
    assert_no_problems(page)
    check(page, screen)


def test_the_password_reset_form_with_an_error(live_server, new_page, transactional_db):
    page = new_page(bypass_csp=True)
    visit(page, live_server.url + "/account/password/reset/")
    page.get_by_label("Email address").fill("not-an-email")
    page.get_by_role("button", name="Email me a reset link").click()
    page.wait_for_load_state("load")
    check(page, "desktop")


@pytest.mark.parametrize("screen", SCREENS)
def test_the_404_page(live_server, new_page, transactional_db, screen):
    page = new_page(bypass_csp=True, **SCREENS[screen])
    response = page.goto(live_server.url + "/no-such-page/")
    assert response.status == 404
    check(page, screen)


def test_the_403_page_of_a_form_sent_without_its_csrf_cookie(live_server, new_page, member):
    page = new_page(bypass_csp=True)
    visit(page, live_server.url + "/account/login/")
    page.context.clear_cookies()  # as with blocked cookies or an expired session
    page.get_by_label("Email address").fill(member.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    with page.expect_response(lambda r: r.request.method == "POST") as sent:
        page.get_by_role("button", name="Sign in").click()
    assert sent.value.status == 403
    page.wait_for_load_state("load")
    check(page, "desktop")


@pytest.mark.parametrize("screen", SCREENS)
def test_the_admin_login(live_server, new_page, transactional_db, screen):
    page = new_page(bypass_csp=True, **SCREENS[screen])
    visit(page, live_server.url + "/admin/login/")
    # Django's own page: no h1 of its own; what matters is that it can be used.
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    assert_accessible(page)
    if screen == "phone":
        assert_no_horizontal_scroll(page)
