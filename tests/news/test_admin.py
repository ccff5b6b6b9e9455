"""Publishing in the admin: alliance staff only, every change through news.services."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from news.models import NewsItem
from tests.factories import MemberCityFactory, StaffUserFactory, UserFactory

from .factories import NewsItemFactory, SubscriberFactory, TagFactory, image_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

ADD = "/admin/news/newsitem/add/"
CHANGELIST = "/admin/news/newsitem/"


@pytest.fixture
def staff(client):
    user = StaffUserFactory()
    client.force_login(user)
    return user


def form_data(**overrides):
    data = {
        "title": "Oslo electrifies its ferries",
        "slug": "oslo-electrifies-its-ferries",
        "summary": "All ferries now run on batteries.",
        "body": "The city **did it**. <script>alert(1)</script>",
        "status": "draft",
        "publish_at_0": "",
        "publish_at_1": "",
        "email_subscribers": "on",
        "image_alt": "",
        "source_title": "",
        "source_url": "",
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
        "status_changes-MIN_NUM_FORMS": "0",
        "status_changes-MAX_NUM_FORMS": "0",
    }
    data.update(overrides)
    return data


def post(client, url, data):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data)


def test_staff_write_a_draft_with_an_image_and_its_renditions_are_made(client, staff):
    city = MemberCityFactory(name="Oslo", slug="oslo")
    tag = TagFactory(name="Transport", slug="transport")
    SubscriberFactory()
    response = post(
        client,
        ADD,
        form_data(
            image=image_upload(size=(1000, 500)),
            image_alt="A ferry at the quay",
            cities=[city.pk],
            tags=[tag.pk],
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    item = NewsItem.objects.get()
    assert item.author == staff
    assert "<script" not in item.body_html
    assert item.status == NewsItem.Status.DRAFT
    assert mail.outbox == []  # a draft is mailed to nobody
    # Widths up to the original's (1000 px), never enlarged; WebP and JPEG each.
    assert [(r["width"], r["format"]) for r in item.image_renditions] == [
        (480, "webp"),
        (480, "jpg"),
        (800, "webp"),
        (800, "jpg"),
        (1000, "webp"),
        (1000, "jpg"),
    ]
    for rendition in item.image_renditions:
        assert default_storage.exists(rendition["name"])
    assert item.image_renditions[2]["height"] == 400

    # The staff preview shows the draft with its image through srcset.
    html = client.get(reverse("news:preview", args=[item.pk])).content.decode()
    assert 'type="image/webp" srcset="/media/news/renditions/' in html
    assert 'alt="A ferry at the quay"' in html
    assert "This is a draft" in html


def test_an_image_without_a_description_is_refused_and_the_text_kept(client, staff):
    response = post(client, ADD, form_data(image=image_upload()))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["image_alt"] == ["Describe the picture for people who cannot see it."]
    assert 'value="Oslo electrifies its ferries"' in response.content.decode()
    assert not NewsItem.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: __import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile(
                "photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
            ),
            "Upload a valid image",
        ),
        (lambda: image_upload("tiny.png", size=(20, 20), kind="PNG"), "only 20 x 20 pixels"),
    ],
)
def test_an_upload_is_checked_by_its_content(client, staff, upload, message):
    response = post(client, ADD, form_data(image=upload(), image_alt="x"))
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors["image"])
    assert not NewsItem.objects.exists()


def test_a_scheduled_time_in_the_past_is_refused(client, staff):
    past = timezone.localtime() - timedelta(hours=1)
    response = post(
        client,
        ADD,
        form_data(
            status="scheduled",
            publish_at_0=past.strftime("%Y-%m-%d"),
            publish_at_1=past.strftime("%H:%M:%S"),
        ),
    )
    assert response.status_code == 200
    assert "This time has passed" in str(response.context["adminform"].form.errors)


def test_publishing_from_the_form_mails_subscribers_once(client, staff):
    SubscriberFactory.create_batch(2)
    post(client, ADD, form_data())
    item = NewsItem.objects.get()
    url = reverse("admin:news_newsitem_change", args=[item.pk])
    response = post(client, url, form_data(status="published"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.is_public()
    assert len(mail.outbox) == 2
    assert [c.to_status for c in item.status_changes.all()] == ["published"]
    post(client, url, form_data(status="published", title="Corrected"))
    assert len(mail.outbox) == 2


def test_publish_and_unpublish_actions(client, staff):
    item = NewsItemFactory(status=NewsItem.Status.DRAFT, publish_at=None)
    post(client, CHANGELIST, {"action": "publish_now", "_selected_action": [item.pk]})
    item.refresh_from_db()
    assert item.is_public()
    post(client, CHANGELIST, {"action": "unpublish", "_selected_action": [item.pk]})
    item.refresh_from_db()
    assert item.status == NewsItem.Status.DRAFT
    assert [c.actor for c in item.status_changes.all()] == [staff, staff]


def test_only_staff_reach_news_publishing(client):
    client.force_login(UserFactory())
    assert client.get(ADD).status_code == 302
    assert client.get(CHANGELIST).status_code == 302
