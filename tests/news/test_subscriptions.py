"""Subscribing with double opt-in, confirming, expiring links, unsubscribing in one click."""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from cnca.notifications.models import OutboundEmail
from news import services
from news.models import Subscriber
from news.tasks import forget_unconfirmed_subscribers as forget_task

from .factories import SubscriberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

SUBSCRIBE = "/news/subscribe/"


def subscribe(client, email):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(SUBSCRIBE, {"email": email})


def confirm_path(message):
    match = re.search(r"https?://[^/\s]+(/news/subscribe/confirm/[^\s/]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_subscribe_then_confirm(client):
    response = subscribe(client, "reader@example.org")
    assert response.status_code == 302
    assert response.url == reverse("news:subscribe_sent")
    page = client.get(response.url).content.decode()
    assert "Check your inbox" in page
    assert "reader@example.org" in page

    subscriber = Subscriber.objects.get()
    assert subscriber.confirmed_at is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.org"]
    assert message.subject == "Confirm your subscription to CNCA news"
    path = confirm_path(message)

    # Opening the link (or a link checker fetching it) confirms nothing by itself.
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm my subscription" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None

    page = client.post(path)
    assert "Subscription confirmed" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None
    # Confirming twice is harmless.
    assert client.post(path).status_code == 200


def test_a_confirmation_link_expires(client, settings):
    subscribe(client, "late@example.org")
    path = confirm_path(mail.outbox[0])
    later = timezone.now() + timedelta(days=settings.NEWS_CONFIRMATION_DAYS, seconds=1)
    with time_machine.travel(later):
        assert client.get(path).status_code == 410
        response = client.post(path)
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert Subscriber.objects.get().confirmed_at is None


def test_an_altered_link_does_not_confirm(client):
    subscribe(client, "reader@example.org")
    path = confirm_path(mail.outbox[0])
    response = client.post(path.replace("/confirm/", "/confirm/x"))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert Subscriber.objects.get().confirmed_at is None


def test_asking_again_sends_at_most_one_link_an_hour_and_reveals_nothing(client):
    subscribe(client, "reader@example.org")
    second = subscribe(client, "READER@example.org")
    assert second.url == reverse("news:subscribe_sent")
    assert Subscriber.objects.count() == 1
    assert len(mail.outbox) == 1
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        subscribe(client, "reader@example.org")
    # An hour later a new link is queued (sent by the outbox on the database's clock).
    assert OutboundEmail.objects.filter(template="news/email/confirm").count() == 2


def test_a_confirmed_address_gets_no_new_link_and_sees_the_same_page(client):
    SubscriberFactory(email="reader@example.org")
    response = subscribe(client, "reader@example.org")
    assert response.url == reverse("news:subscribe_sent")
    assert mail.outbox == []


def test_the_confirmation_link_is_not_kept_readable(client):
    subscribe(client, "reader@example.org")
    row = OutboundEmail.objects.get()
    assert row.sensitive


def test_a_bad_address_is_refused_with_its_value_kept(client):
    response = client.post(SUBSCRIBE, {"email": "not an address"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a valid email address." in html
    assert 'value="not an address"' in html
    assert not Subscriber.objects.exists()


def test_unsubscribe_by_button(client):
    subscriber = SubscriberFactory()
    url = reverse("news:unsubscribe", args=[subscriber.token])
    page = client.get(url)
    assert "Unsubscribe from the news" in page.content.decode()
    assert Subscriber.objects.exists()  # a GET changes nothing
    page = client.post(url)
    assert "You are unsubscribed" in page.content.decode()
    assert not Subscriber.objects.exists()
    # Again, or with an unknown token: the same answer.
    assert client.post(url).status_code == 200


def test_one_click_unsubscribe_from_a_mail_client_without_csrf():
    from django.test import Client

    subscriber = SubscriberFactory()
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("news:unsubscribe", args=[subscriber.token]),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscriber.objects.exists()


def test_the_subscribe_form_checks_csrf():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(SUBSCRIBE, {"email": "reader@example.org"})
    assert response.status_code == 403
    assert not Subscriber.objects.exists()


# --- Forgetting addresses that never confirmed ------------------------------------------


def test_an_address_that_never_confirmed_is_forgotten_once_its_last_link_expired(client):
    days = timedelta(days=3)  # NEWS_CONFIRMATION_DAYS
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        subscribe(client, "forgetful@example.org")
        subscribe(client, "asked-again@example.org")
        confirmed = SubscriberFactory(email="reader@example.org")
    with time_machine.travel(start + days - timedelta(hours=1), tick=False):
        subscribe(client, "asked-again@example.org")  # a new link, valid 3 more days

    assert services.forget_unconfirmed_subscribers(now=start + days - timedelta(seconds=1)) == 0
    assert services.forget_unconfirmed_subscribers(now=start + days + timedelta(seconds=1)) == 1

    remaining = set(Subscriber.objects.values_list("email", flat=True))
    assert remaining == {"asked-again@example.org", confirmed.email}
    later = start + 2 * days
    assert services.forget_unconfirmed_subscribers(now=later) == 1
    assert set(Subscriber.objects.values_list("email", flat=True)) == {confirmed.email}


def test_beat_and_cron_forget_unconfirmed_addresses(settings):
    old = SubscriberFactory(email="never@example.org", confirmed_at=None)
    Subscriber.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    out = io.StringIO()

    call_command("forget_unconfirmed_subscribers", stdout=out)

    assert out.getvalue().strip() == "Deleted 1 unconfirmed subscriber(s)."
    entry = settings.CELERY_BEAT_SCHEDULE["news-forget-unconfirmed"]
    assert entry["task"] == "news.forget_unconfirmed_subscribers"
    assert forget_task.name == entry["task"]
