"""Each confirmed subscriber gets one email per item that becomes public: once, ever."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.test import TestCase

from cnca.notifications.models import OutboundEmail
from news import services
from news.models import NewsItem

from .factories import NewsItemFactory, SubscriberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

AT = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def readers():
    confirmed = SubscriberFactory.create_batch(3)
    SubscriberFactory(email="pending@example.org", confirmed_at=None)
    return confirmed


def publish(item, actor=None):
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        services.publish_now(item, actor=actor)


def draft(**kwargs):
    return NewsItemFactory(
        status=NewsItem.Status.DRAFT, publish_at=None, email_subscribers=True, **kwargs
    )


def test_publishing_mails_each_confirmed_subscriber_once(readers):
    item = draft(title="Oslo electrifies its ferries")
    publish(item)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)
    message = mail.outbox[0]
    assert message.subject == "CNCA news: Oslo electrifies its ferries"
    assert item.summary in message.body
    item.refresh_from_db()
    assert item.get_absolute_url() in message.body
    assert item.mailed_at is not None
    assert item.status == NewsItem.Status.PUBLISHED
    assert item.status_changes.get().to_status == "published"


def test_every_email_has_a_one_click_unsubscribe(readers):
    publish(draft())
    for message in mail.outbox:
        subscriber = next(r for r in readers if r.email == message.to[0])
        url = f"http://127.0.0.1:8000/news/unsubscribe/{subscriber.token}/"
        headers = message.message()
        assert headers["List-Unsubscribe"] == f"<{url}>"
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert url in message.body
        assert f'href="{url}"' in message.alternatives[0].content


def test_a_resave_or_a_republish_sends_nothing_twice(readers):
    item = draft()
    publish(item)
    assert len(mail.outbox) == 3

    item.refresh_from_db()
    item.title = "Corrected title"
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        services.save_item(item, actor=None, previous_status=item.status)
    with transaction.atomic():
        services.unpublish(item, actor=None)
    publish(item)
    assert services.mail_item(item.pk) is None  # even a task run by hand
    assert len(mail.outbox) == 3
    assert OutboundEmail.objects.count() == 3


def test_drafts_and_items_not_for_mailing_are_never_mailed(readers):
    not_mailed = NewsItemFactory(email_subscribers=False)
    d = draft()
    assert services.mail_item(d.pk) is None
    assert services.mail_item(not_mailed.pk) is None
    services.start_due_mailings()
    assert mail.outbox == []


def test_a_scheduled_item_is_mailed_when_its_time_comes_not_before(readers):
    with time_machine.travel(AT - timedelta(days=1), tick=False):
        item = NewsItemFactory(
            status=NewsItem.Status.SCHEDULED, publish_at=AT, email_subscribers=True
        )
    with time_machine.travel(AT - timedelta(seconds=1), tick=False):
        assert services.start_due_mailings() == []
    assert mail.outbox == []
    item.refresh_from_db()
    assert item.status == NewsItem.Status.SCHEDULED

    with time_machine.travel(AT, tick=False), TestCase.captureOnCommitCallbacks(execute=True):
        assert services.start_due_mailings() == [item.pk]
    assert len(mail.outbox) == 3
    item.refresh_from_db()
    assert item.status == NewsItem.Status.PUBLISHED
    assert item.status_changes.get().actor is None

    with time_machine.travel(AT + timedelta(minutes=1), tick=False):
        assert services.start_due_mailings() == []
    assert len(mail.outbox) == 3


def test_the_fan_out_goes_in_batches_and_resumes(readers):
    more = SubscriberFactory.create_batch(4)
    item = NewsItemFactory(email_subscribers=True)
    # A first run died after queueing the first reader's email.
    with transaction.atomic():
        services.queue_announcement(item, readers[0])
    assert services.mail_item(item.pk, batch=2) == 7  # the run counts what it went through
    # One row per subscriber: the one queued before was not queued again.
    assert OutboundEmail.objects.count() == len(readers) + len(more)
    assert OutboundEmail.objects.filter(to=[readers[0].email]).count() == 1
    item.refresh_from_db()
    assert item.mailed_at is not None


def test_a_mailing_running_elsewhere_is_left_alone(readers):
    item = NewsItemFactory(email_subscribers=True)
    NewsItem.objects.filter(pk=item.pk).update(mailing_started_at=datetime.now(UTC))
    assert services.mail_item(item.pk) is None
    assert mail.outbox == []
    # Its worker died: after the lease another run takes it over.
    later = datetime.now(UTC) + services.MAILING_LEASE + timedelta(seconds=1)
    with time_machine.travel(later):
        assert services.mail_item(item.pk) == 3
    assert OutboundEmail.objects.count() == 3
