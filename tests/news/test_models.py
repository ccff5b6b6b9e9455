"""NewsItem invariants: sanitized body on save, alt text with an image, a time when public."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from news.models import NewsItem

from .factories import NewsItemFactory, image_upload

pytestmark = pytest.mark.django_db


def test_body_is_sanitized_into_html_on_save():
    item = NewsItemFactory(body="Hi <script>alert(1)</script> [x](javascript:alert(1))")
    item.refresh_from_db()
    assert "<script" not in item.body_html
    assert "javascript:" not in item.body_html
    assert item.body_text == "Hi x"

    item.body = '<img src=x onerror="alert(1)">**Now**'
    item.save(update_fields=["body"])
    item.refresh_from_db()
    assert item.body_html == "<p><strong>Now</strong></p>"
    assert item.body_text == "Now"


def test_an_image_needs_its_description():
    item = NewsItemFactory.build(image=image_upload(), image_alt="")
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "image_alt" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        item.save()


def test_a_scheduled_item_needs_a_time():
    item = NewsItemFactory.build(status=NewsItem.Status.SCHEDULED, publish_at=None)
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "publish_at" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        item.save()


def test_address_holds_year_month_and_slug():
    from datetime import UTC, datetime

    item = NewsItemFactory(slug="launch", publish_at=datetime(2015, 3, 30, 12, tzinfo=UTC))
    assert item.get_absolute_url() == "/news/2015/03/launch/"
