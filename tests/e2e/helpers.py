"""Checks shared by the browser tests (the axe audit lives in a11y.py)."""

import re

from playwright.sync_api import expect

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


def visit(page, url):
    """Open the URL and require an HTTP 200."""
    response = page.goto(url)
    assert response is not None, f"no response for {url}"
    assert response.status == 200, f"{url} answered HTTP {response.status}"
    return response


def arrived(page, url_pattern):
    """Wait for a navigation to the URL to finish; fail on any error seen on the way."""
    expect(page).to_have_url(re.compile(url_pattern))
    page.wait_for_load_state("load")
    assert_no_problems(page)


def assert_no_problems(page):
    """No error responses, failed requests, console errors or uncaught exceptions so far.

    CSP violations are console errors, so a page opened without ``bypass_csp``
    also proves that it works under the site's Content-Security-Policy.
    """
    assert not page.problems, f"while loading {page.url}:\n" + "\n".join(page.problems)


def assert_no_horizontal_scroll(page):
    """The page fits the viewport's width: nothing to scroll sideways.

    Compared with the width the context was given, not ``window.innerWidth``:
    in mobile emulation the layout viewport widens to fit overflowing content,
    so ``innerWidth`` grows with ``scrollWidth`` and would hide the overflow.
    """
    viewport = page.viewport_size["width"]
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= viewport, (
        f"{page.url} scrolls sideways on a {viewport}px wide screen: "
        f"the page is {scroll_width}px wide"
    )


def sign_in(page, base_url, email, password):
    """Sign in through the login form and arrive at the account page."""
    visit(page, base_url + "/account/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    arrived(page, r"/account/$")
