"""Resources, the infographic, search and the contact form in a real browser.

Each page is audited with axe-core on a desktop and a 375 px phone (no sideways
scroll); a visitor finds the framework through search and writes to the staff.
"""

import pytest
from playwright.sync_api import expect

from cnca.contact.models import ContactMessage
from cnca.notifications.models import OutboundEmail

from .a11y import assert_accessible
from .helpers import PHONE, arrived, assert_no_horizontal_scroll, assert_no_problems, visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/resources/",
    "/resources/cnca-framework-for-long-term-deep-carbon-reduction-planning/",
    "/resources/how-much-is-spent-on-fossil-fuels-in-cities/",
    "/resources/game-changers-report/",
    "/search/?q=carbon+framework",
    "/search/?q=%22&section=resources",
    "/contact/thanks/",
]
SCREENS = {"desktop": {}, "phone": PHONE}
FRAMEWORK = "CNCA Framework for Long-Term Deep Carbon Reduction Planning"


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("path", PAGES)
def test_page_is_accessible(cnca_content, live_server, new_page, path, screen):
    page = new_page(bypass_csp=True, **SCREENS[screen])
    visit(page, live_server.url + path)
    assert_no_problems(page)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    if screen == "phone":
        assert_no_horizontal_scroll(page)


def test_the_chart_is_readable_on_a_phone(cnca_content, live_server, new_page):
    page = new_page(**PHONE)  # the site's own CSP applies
    visit(page, live_server.url + "/resources/how-much-is-spent-on-fossil-fuels-in-cities/")

    chart = page.get_by_role("img", name="Yearly spending on fossil fuels, in US dollars")
    expect(chart).to_be_visible()
    label = page.locator(".bar-label").first
    expect(label).to_have_text("Cleveland: US$1.4 billion")
    # At 375 px the label is drawn at a readable size (at least 11 CSS pixels high).
    assert label.bounding_box()["height"] >= 11
    assert chart.bounding_box()["width"] <= 375
    assert_no_problems(page)


def test_a_visitor_finds_the_framework_through_search(cnca_content, live_server, new_page):
    page = new_page()
    visit(page, live_server.url + "/search/")
    page.get_by_role("search").get_by_label("Search the site").fill("deep carbon planning")
    page.get_by_role("button", name="Search").click()
    arrived(page, r"/search/\?q=deep\+carbon\+planning")

    results = page.get_by_role("region", name="Resources (")
    results.get_by_role("link", name=FRAMEWORK, exact=True).click()
    arrived(page, r"/resources/cnca-framework-for-long-term-deep-carbon-reduction-planning/$")
    outline = page.get_by_role("link", name="Outline of a state-of-the-art 80x50 plan")
    expect(outline).to_be_visible()


def test_a_visitor_writes_to_the_staff_without_javascript(cnca_content, live_server, new_page):
    page = new_page(java_script_enabled=False)
    visit(page, live_server.url + "/about/")
    page.get_by_role("link", name="contact the alliance staff").click()
    arrived(page, r"/contact/$")

    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_label("Your email address").fill("not-an-address")
    page.get_by_label("Topic").select_option(label="My city wants to join")
    page.get_by_label("Your message").fill("How does a city join the alliance?")
    page.get_by_role("button", name="Send your message").click()

    expect(page.get_by_role("alert")).to_contain_text("Enter a valid email address.")
    expect(page.get_by_label("Your message")).to_have_value("How does a city join the alliance?")
    page.get_by_label("Your email address").fill("ada@example.org")
    page.get_by_role("button", name="Send your message").click()

    arrived(page, r"/contact/thanks/$")
    expect(page.get_by_role("heading", level=1)).to_contain_text("your message is on its way")
    assert ContactMessage.objects.get().email == "ada@example.org"
    assert OutboundEmail.objects.filter(to=["ada@example.org"]).count() == 1
