"""Whole-site checks: every page, on a desktop and a phone, in Chromium.

The pages are found, not listed (tests/site_pages.py): the URL conf, sitemap.xml
and the links between pages, for a visitor and for a signed-in member of a city
staff; plus the 404 page and the admin's sign-in. Each page must
- have no axe-core WCAG 2.x A/AA violation at 1280 and at 375 pixels wide;
- have no HTML error by the Nu HTML Checker (vnu, run once over all pages:
  it takes seconds to start);
- not scroll sideways at 320 pixels wide, under the site's own CSP, with no
  console error (a CSP violation is one).
Every failure of every page is reported together.
"""

import json
import shutil
import subprocess

import pytest
from django.test import Client

from tests.factories import CityMembershipFactory
from tests.site_pages import discover_pages

from .a11y import REPO_ROOT, format_violations, violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
NOT_FOUND = "/no-such-page/"
ADMIN_LOGIN = "/admin/login/"
SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True},
}
NARROW = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}


def _java():
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "No Java for the Nu HTML Checker: apt-get install default-jre-headless "
            "(.ci/run does this).",
            pytrace=False,
        )
    if not VNU_JAR.is_file():
        pytest.fail(f"{VNU_JAR} is missing: run `npm ci` in {REPO_ROOT}", pytrace=False)
    return java


def validate_html(pages, folder):
    """Run vnu once over every page's HTML; returns ``["<url>: line N: message", ...]``."""
    java = _java()
    files = {}
    for number, (url, html) in enumerate(pages.items()):
        path = folder / f"page-{number:03}.html"
        path.write_text(html, encoding="utf-8")
        files[str(path)] = url
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: "
        f"line {m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]
    if result.returncode != 0 and not errors:
        errors.append(f"vnu failed (exit {result.returncode}): {result.stderr[-2000:]}")
    return errors


class SiteCheck:
    """Visits pages with three browser contexts and collects every failure."""

    def __init__(self, browser, base_url):
        self.base_url = base_url
        self.audited = {
            name: browser.new_context(bypass_csp=True, **o) for name, o in SCREENS.items()
        }
        # The narrow context keeps the site's CSP: console errors include CSP violations.
        self.narrow = browser.new_context(**NARROW)
        self.contexts = [*self.audited.values(), self.narrow]
        self.pages = {name: context.new_page() for name, context in self.audited.items()}
        self.narrow_page = self.narrow.new_page()
        self.console = []
        self.narrow_page.on("console", lambda m: m.type == "error" and self.console.append(m.text))
        self.html = {}
        self.failures = []
        self.visited = []

    def sign_in(self, session_cookie):
        for context in self.contexts:
            context.add_cookies([{**session_cookie, "url": self.base_url}])

    def check(self, path, status=200):
        url = self.base_url + path
        self.visited.append(path)
        for screen, page in self.pages.items():
            response = page.goto(url)
            if response is None or response.status != status:
                got = response.status if response else "no response"
                self.failures.append(f"{path} [{screen}]: HTTP {got}, expected {status}")
                continue
            if screen == "desktop":
                self.html[path] = response.text()
            found = violations(page)
            if found:
                self.failures.append(format_violations(found, f"{path} [{screen}]"))
        self._check_narrow(path, url)

    def _check_narrow(self, path, url):
        self.console.clear()
        self.narrow_page.goto(url)
        self.narrow_page.wait_for_load_state("load")
        width = self.narrow_page.evaluate("() => document.documentElement.scrollWidth")
        if width > NARROW["viewport"]["width"]:
            self.failures.append(f"{path}: scrolls sideways at 320px (the page is {width}px wide)")
        # The 404 page's own status is logged as a failed resource: not a fault.
        console = [text for text in self.console if not (path == NOT_FOUND and "404" in text)]
        if console:
            self.failures.append(f"{path}: console errors at 320px: {console}")

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def city_staff(cnca_content):
    return CityMembershipFactory(city__slug="portland").user


def test_every_page_passes_axe_vnu_and_fits_a_narrow_screen(
    cnca_content, city_staff, live_server, browser, tmp_path
):
    visitor = Client()
    public = discover_pages(visitor)
    member = Client()
    member.force_login(city_staff)
    # What a signed-in member of a city staff sees beyond the public pages.
    account = discover_pages(member, start=("/account/", "/"), signed_in=True, skip=public)
    assert "/cities/" in public
    assert any(path.startswith("/cities/") and path != "/cities/" for path in public)
    assert "/account/" in account

    site = SiteCheck(browser, live_server.url)
    try:
        for path in public:
            site.check(path)
        site.check(NOT_FOUND, status=404)
        site.check(ADMIN_LOGIN)
        session = member.cookies["sessionid"]
        site.sign_in({"name": "sessionid", "value": session.value})
        for path in account:
            site.check(path)
    finally:
        site.close()

    site.failures += validate_html(site.html, tmp_path)
    print("Pages checked:", *site.visited, sep="\n  ")
    assert not site.failures, f"{len(site.failures)} problem(s):\n\n" + "\n\n".join(site.failures)
