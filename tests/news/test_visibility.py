"""What the public may see: drafts never, scheduled items from their time to the second."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from news.models import NewsItem
from news.queries import public_news

from .factories import NewsItemFactory

pytestmark = pytest.mark.django_db

AT = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)


def test_a_draft_is_never_public():
    draft = NewsItemFactory(status=NewsItem.Status.DRAFT, publish_at=AT - timedelta(days=1))
    assert draft not in public_news()
    assert not draft.is_public()


def test_a_published_item_is_public():
    item = NewsItemFactory()
    assert list(public_news()) == [item]
    assert item.is_public()


@pytest.mark.parametrize(
    ("moment", "visible"),
    [(AT - timedelta(seconds=1), False), (AT, True), (AT + timedelta(seconds=1), True)],
)
def test_a_scheduled_item_is_public_from_its_time_not_a_second_earlier(moment, visible):
    item = NewsItemFactory(status=NewsItem.Status.SCHEDULED, publish_at=AT)
    with time_machine.travel(moment, tick=False):
        assert (item in public_news()) is visible
        assert item.is_public() is visible


def test_public_news_is_newest_first():
    old = NewsItemFactory(publish_at=AT - timedelta(days=2))
    new = NewsItemFactory(publish_at=AT - timedelta(days=1))
    with time_machine.travel(AT, tick=False):
        assert list(public_news()) == [new, old]
