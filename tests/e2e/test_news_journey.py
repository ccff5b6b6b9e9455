"""Staff publish a news item with an image in the admin; the public finds it; a visitor subscribes.

In a real Chromium against the live server: the admin form with a real file
upload, the renditions made by the Celery task (run in-process here), the item
on /news/, in the RSS feed (parsed with feedparser) and in site search, and the double opt-in
with the confirmation link taken from the email the outbox sent.
"""

import io
import re

import feedparser
import pytest
from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD, StaffUserFactory

from .a11y import assert_accessible
from .helpers import arrived, visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Oslo electrifies its harbour ferries"


@pytest.fixture
def lead_image(tmp_path):
    path = tmp_path / "ferry.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1400, 800), (20, 90, 140)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_staff_publish_and_a_visitor_subscribes(
    cnca_content, live_server, new_page, audit_page, lead_image, media_root, eager_celery
):
    staff = StaffUserFactory(email="editor@cnca.example")

    # --- Staff write and publish the item in the admin. ---
    page = new_page()
    visit(page, live_server.url + "/admin/news/newsitem/add/")
    page.get_by_label("Email address").fill(staff.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    arrived(page, r"/admin/news/newsitem/add/")

    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Summary").fill("All of Oslo's harbour ferries now run on batteries.")
    page.get_by_label("Body").fill("The city **switched** its last diesel ferry.")
    page.get_by_label("Status").select_option("published")
    # Django's admin groups a file input under a legend, not a label.
    page.get_by_role("group", name="Lead image").locator("input[type=file]").set_input_files(
        lead_image
    )
    page.get_by_label("Image description").fill("A blue ferry at the quay")
    page.get_by_role("button", name="Save", exact=True).click()
    arrived(page, r"/admin/news/newsitem/$")
    expect(page.get_by_text("was added successfully")).to_be_visible()

    # --- The public list links it by a heading; its page shows the image through srcset. ---
    visitor = audit_page
    visit(visitor, live_server.url + "/news/")
    link = visitor.get_by_role("heading", name=TITLE).get_by_role("link")
    expect(link).to_be_visible()
    assert_accessible(visitor)
    link.click()
    arrived(visitor, r"/news/\d{4}/\d{2}/oslo-electrifies-its-harbour-ferries/$")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    image = visitor.get_by_role("img", name="A blue ferry at the quay")
    expect(image).to_be_visible()
    assert "1400w" in (image.get_attribute("srcset") or "")
    webp = visitor.locator("picture source[type='image/webp']")
    assert re.search(r"-480w\.webp 480w", webp.get_attribute("srcset"))
    assert visitor.evaluate("() => document.querySelector('main img').naturalWidth") > 0
    assert_accessible(visitor)

    # --- The RSS feed holds it. ---
    feed = feedparser.parse(visitor.request.get(live_server.url + "/news/feed/rss/").body())
    assert not feed.bozo
    assert feed.entries[0].title == TITLE

    # --- Site search finds it (full-text on Postgres, icontains on SQLite). ---
    visit(visitor, live_server.url + "/search/")
    visitor.get_by_role("search").get_by_label("Search the site").fill("harbour ferries")
    visitor.get_by_role("button", name="Search").click()
    arrived(visitor, r"/search/\?q=harbour\+ferries")
    news_results = visitor.get_by_role("region", name="News (")
    expect(news_results.get_by_role("link", name=TITLE, exact=True)).to_be_visible()

    # --- A visitor subscribes, and confirms from the email. ---
    visit(visitor, live_server.url + "/news/")
    visitor.get_by_role("link", name="by email").click()
    arrived(visitor, r"/news/subscribe/$")
    assert_accessible(visitor)
    visitor.get_by_label("Email address").fill("reader@example.org")
    visitor.get_by_role("button", name="Subscribe").click()
    arrived(visitor, r"/news/subscribe/sent/$")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Check your inbox")

    confirmation = next(m for m in mail.outbox if m.to == ["reader@example.org"])
    path = re.search(r"https?://[^/\s]+(/news/subscribe/confirm/\S+/)", confirmation.body)[1]
    visit(visitor, live_server.url + path)
    visitor.get_by_role("button", name="Confirm my subscription").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Subscription confirmed")
    assert_accessible(visitor)
