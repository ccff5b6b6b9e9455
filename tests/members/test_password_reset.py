"""Password reset: no account oracle, rate limits, links from SITE_URL, and a link no
outbox reader can take (issue 6, items 2 and 8).

The flow tests in test_auth.py follow a person through the pages; these check
what an attacker could do with them.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cnca.notifications.models import OutboundEmail
from cnca.servicekit import publish
from members import services
from members.tasks import send_password_reset_email
from tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

RESET = reverse("account:password_reset")
LINK = re.compile(r"/account/password/reset/([\w-]+)/([\w-]+)/")


def post_reset(client, email, **extra):
    return client.post(RESET, {"email": email}, **extra)


def test_the_request_does_the_same_work_whether_or_not_the_address_has_an_account(
    client, django_capture_on_commit_callbacks
):
    """Not a timing test: the request's queries and its one on-commit publish are the
    same for both addresses; the lookup happens later, in the task."""
    UserFactory(email="ana@portland.example")

    def work(email):
        with (
            django_capture_on_commit_callbacks() as callbacks,
            CaptureQueriesContext(connection) as queries,
        ):
            response = post_reset(client, email)
        assert response.status_code == 302
        assert response.url == reverse("account:password_reset_done")
        sql = [
            re.sub(r'"s\d+_x\d+"', '"savepoint"', query["sql"].replace(email, "<email>"))
            for query in queries
        ]
        assert len(callbacks) == 1
        published = callbacks[0].func  # on_commit_once(key, partial(publish, task, email))
        assert published.func is publish
        assert published.args == (send_password_reset_email, email)
        return sql

    known = work("ana@portland.example")
    unknown = work("nobody@portland.example")
    assert known == unknown
    assert not any("members_user" in query for query in known)  # no lookup in the request
    assert not OutboundEmail.objects.exists()


def test_the_task_queues_a_sensitive_email_for_an_account_and_nothing_otherwise():
    user = UserFactory(email="Ana@Portland.example")
    UserFactory(email="off@portland.example", is_active=False)

    (row,) = services.send_password_reset_email("ana@portland.EXAMPLE")
    assert row.to == ["Ana@Portland.example"]
    assert row.sensitive
    assert row.key.startswith(f"password-reset:user={user.pk}:window=")
    assert row.object_id == str(user.pk)
    _uid, token = LINK.search(row.text_body).groups()
    assert token not in row.key

    assert services.send_password_reset_email("nobody@portland.example") == []
    assert services.send_password_reset_email("off@portland.example") == []
    assert OutboundEmail.objects.count() == 1


def test_at_most_one_reset_email_per_address_every_few_minutes(settings, time_machine):
    settings.PASSWORD_RESET_EMAIL_EVERY = 300
    time_machine.move_to("2026-03-02 10:00:00+00:00")
    user = UserFactory()

    assert len(services.send_password_reset_email(user.email)) == 1
    time_machine.move_to("2026-03-02 10:04:00+00:00")  # another window, but too soon
    assert services.send_password_reset_email(user.email) == []
    time_machine.move_to("2026-03-02 10:05:30+00:00")
    assert len(services.send_password_reset_email(user.email)) == 1

    keys = list(OutboundEmail.objects.order_by("created_at").values_list("key", flat=True))
    assert len(keys) == 2
    assert len(set(keys)) == 2  # one key per window: two racing tasks make one row


def test_too_many_requests_from_one_address_are_refused_with_a_message(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_IP_LIMIT = 2
    for n in range(2):
        assert post_reset(client, f"p{n}@example.org", REMOTE_ADDR="203.0.113.9").status_code == 302

    with django_capture_on_commit_callbacks() as callbacks:
        response = post_reset(client, "typed@example.org", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Too many password-reset requests came from your network" in html
    assert 'value="typed@example.org"' in html  # what was typed is kept
    assert callbacks == []  # nothing published

    # Another client is not held up by this one.
    assert post_reset(client, "p@example.org", REMOTE_ADDR="198.51.100.7").status_code == 302


def test_the_link_is_built_from_site_url_not_the_requests_host(client, settings, eager_celery):
    settings.SITE_URL = "https://portal.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    user = UserFactory()
    with TestCase.captureOnCommitCallbacks(execute=True):
        post_reset(client, user.email, HTTP_HOST="attacker.example")

    (message,) = mail.outbox
    assert "https://portal.example.org/account/password/reset/" in message.body
    assert "attacker.example" not in message.body
    assert "attacker.example" not in message.alternatives[0].content


def outbox_pages(client, row):
    """Everything an outbox reader can open about ``row`` in the admin."""
    changelist = reverse("admin:notifications_outboundemail_changelist")
    urls = [
        changelist,
        f"{changelist}?q={row.to[0]}",
        f"{changelist}?sensitive__exact=1",
        reverse("admin:notifications_outboundemail_change", args=[row.pk]),
        reverse("admin:notifications_outboundemail_preview", args=[row.pk]),
    ]
    return {url: client.get(url) for url in urls}


@pytest.mark.parametrize("sent", [False, True], ids=["queued", "sent"])
def test_an_outbox_reader_cannot_take_over_an_account_with_a_reset_link(
    client, sent, django_capture_on_commit_callbacks, eager_celery
):
    """A staff member who may only view the outbox asks a reset for the superuser and
    reads everything the admin shows of that email: no working link, in any state."""
    boss = StaffUserFactory(email="boss@cnca.example")
    reader = UserFactory(is_staff=True)
    reader.user_permissions.set(Permission.objects.filter(codename="view_outboundemail"))

    with django_capture_on_commit_callbacks(execute=sent):
        (row,) = services.send_password_reset_email(boss.email)
    row.refresh_from_db()
    assert row.state == (OutboundEmail.State.SENT if sent else OutboundEmail.State.QUEUED)
    # The real link: in the email, if it went, else still in the row, waiting.
    stored = mail.outbox[0].body if sent else row.text_body
    _uid, token = LINK.search(stored).groups()

    client.force_login(reader)
    pages = outbox_pages(client, row)
    for url, response in pages.items():
        assert response.status_code in (200, 404), url
        content = response.content.decode()
        assert token not in content, url
        assert not LINK.search(content), url
    assert token not in row.key
    assert token not in OutboundEmail.objects.get(pk=row.pk).key
    # The preview document of a sensitive row does not exist for anyone.
    preview = reverse("admin:notifications_outboundemail_preview", args=[row.pk])
    assert pages[preview].status_code == 404
    # And once sent, the token is not even in the database any more.
    if sent:
        stored_row = OutboundEmail.objects.get(pk=row.pk)
        assert token not in stored_row.text_body + stored_row.html_body


def test_rate_limited_requests_still_succeed_for_the_person_later(settings, time_machine):
    """The per-address limit is a window, not a lock-out."""
    settings.PASSWORD_RESET_EMAIL_EVERY = 300
    time_machine.move_to("2026-03-02 10:00:00+00:00")
    user = UserFactory()
    services.send_password_reset_email(user.email)
    time_machine.shift(timedelta(minutes=10))
    assert len(services.send_password_reset_email(user.email)) == 1
