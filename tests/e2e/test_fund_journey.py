"""A visitor follows the fund's money in a real browser.

The fund page -> every award -> filter by lead city Portland -> an award ->
its city's page, then the CSV of the filtered list; on a desktop and on a
phone, each page audited with axe-core and free of sideways scrolling on the
phone.
"""

import csv
import io

import pytest
from playwright.sync_api import expect

from .a11y import assert_accessible
from .helpers import PHONE, arrived, assert_no_horizontal_scroll, visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def follow_portlands_awards(page, base_url, *, phone=False):
    def check(page):
        assert_accessible(page)
        if phone:
            assert_no_horizontal_scroll(page)

    visit(page, base_url + "/innovation-fund/")
    expect(page.get_by_role("heading", level=1, name="CNCA Innovation Fund")).to_be_visible()
    check(page)

    page.get_by_role("link", name="Browse every award").click()
    arrived(page, r"/innovation-fund/awards/$")
    expect(page.get_by_text("16 awards")).to_be_visible()
    check(page)

    page.get_by_label("Lead city").select_option(label="Portland")
    page.get_by_role("button", name="Filter").click()
    arrived(page, r"lead_city=portland")
    expect(page.get_by_text("3 matching awards")).to_be_visible()
    table = page.get_by_role("table", name="Awards")
    expect(table.get_by_role("row")).to_have_count(4)  # a header and three awards
    # The amount is on screen, not cut off at the side (a phone stacks the rows).
    amount = table.get_by_text("US$100,000")
    amount.scroll_into_view_if_needed()
    box = amount.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= page.viewport_size["width"]
    check(page)

    csv_link = page.get_by_role("link", name="CSV", exact=True)
    with page.expect_download() as download_info:
        csv_link.click()
    download = download_info.value
    rows = list(csv.DictReader(io.StringIO(download.path().read_text("utf-8-sig"))))
    assert {row["lead_city"] for row in rows} == {"Portland"}
    assert len(rows) == 3

    table.get_by_role("link", name="Consumption and Urban Decarbonization").click()
    arrived(page, r"/innovation-fund/awards/consumption-and-urban-decarbonization/$")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Consumption and Urban Decarbonization"
    )
    check(page)

    page.get_by_role("main").get_by_role("link", name="Portland", exact=True).first.click()
    arrived(page, r"/cities/portland/$")
    expect(page.get_by_role("heading", name="Innovation Fund awards", exact=True)).to_be_visible()
    check(page)


def test_visitor_follows_portlands_awards_on_a_desktop(live_server, cnca_content, new_page):
    page = new_page(bypass_csp=True, accept_downloads=True)
    follow_portlands_awards(page, live_server.url)


def test_visitor_follows_portlands_awards_on_a_phone(live_server, cnca_content, new_page):
    page = new_page(**PHONE, bypass_csp=True, accept_downloads=True)
    follow_portlands_awards(page, live_server.url, phone=True)
