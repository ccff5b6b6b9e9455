"""Fixtures of the browser suite: Playwright driving Debian's Chromium.

Playwright's own browser download is not used: the suite launches the system
Chromium (``/usr/bin/chromium``, or ``CHROMIUM_PATH``). It does not use
pytest-playwright, whose fixtures want that download; the few fixtures it
needs are here.

Playwright's sync API keeps an asyncio event loop running in this thread, and
Django refuses ORM calls from a thread with a running loop
(SynchronousOnlyOperation). While Playwright is up, ``DJANGO_ALLOW_ASYNC_UNSAFE``
is set, the usual fix for pytest-django with Playwright; it is unset again when
the e2e package is done, so the rest of the suite keeps Django's check.
"""

import os
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import sync_playwright

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="package")
def playwright():
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            yield pw
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(playwright):
    if not os.path.exists(CHROMIUM_PATH):
        pytest.fail(
            f"No Chromium at {CHROMIUM_PATH}: install Debian's chromium "
            "(apt-get install chromium) or set CHROMIUM_PATH.",
            pytrace=False,
        )
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


class BrowserProblems(list):
    """Console errors, uncaught exceptions and failed responses seen by a page."""

    def watch(self, page):
        page.on("console", lambda m: m.type == "error" and self.append(f"console: {m.text}"))
        page.on("pageerror", lambda exc: self.append(f"uncaught exception: {exc}"))
        page.on(
            "response",
            lambda r: r.status >= 400 and self.append(f"HTTP {r.status} for {r.url}"),
        )
        page.on("requestfailed", self._request_failed)

    def _request_failed(self, request):
        # Leaving a page aborts what it still loads (ERR_ABORTED): not a fault of
        # the page. Error statuses are caught by the response listener above.
        if request.failure != "net::ERR_ABORTED":
            self.append(f"request failed: {request.url} {request.failure}")


@pytest.fixture
def new_page(browser):
    """Open a page in a fresh browser context: ``new_page(**context_options)``.

    Each page gets a ``problems`` list of its console errors, uncaught
    exceptions and failed responses.
    """
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.problems = BrowserProblems()
        page.problems.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def audit_page(new_page):
    """A desktop page that may inject axe-core (``bypass_csp``: for the audit only)."""
    return new_page(bypass_csp=True)


@pytest.fixture
def cnca_content(transactional_db):
    """The portal's real content (21 member cities, partners, funders)."""
    call_command("load_cnca_content", stdout=StringIO())
