"""queue_email: rendering, the footer's reason, idempotency, the commit rule."""

import pytest
from django.core import mail
from django.db import transaction

from cnca.notifications.models import OutboundEmail
from cnca.notifications.queueing import insert_or_get
from cnca.notifications.services import queue_email
from tests.factories import MemberCityFactory

pytestmark = pytest.mark.django_db

TEMPLATE = "notifications/email/notice"


def notice(**overrides):
    context = {
        "subject": "Your letter of intent was received",
        "heading": "Letter of intent received",
        "greeting": "Dear Ana,",
        "paragraphs": ["We received the LOI of Oslo & Bergen <Fund 2025>."],
        "action_url": "http://127.0.0.1:8000/account/",
        "reason": "You get this email because you submitted an LOI for Oslo.",
    }
    return {**context, **overrides}


def queue(key="loi-submitted:1", to="ana@oslo.example", **context):
    return queue_email(key=key, to=to, template=TEMPLATE, context=notice(**context))


def test_renders_subject_text_and_html_with_the_reason_in_the_footer():
    row = queue()

    assert row.state == OutboundEmail.State.QUEUED
    assert row.subject == "Your letter of intent was received"
    assert row.recipients == ["ana@oslo.example"]
    # The text part is plain text: nothing is HTML-escaped.
    assert "We received the LOI of Oslo & Bergen <Fund 2025>." in row.text_body
    assert "You get this email because you submitted an LOI for Oslo." in row.text_body
    assert "Letter of intent received" in row.html_body
    # The HTML part escapes what the context brings.
    assert "Oslo &amp; Bergen &lt;Fund 2025&gt;" in row.html_body
    assert "<Fund 2025>" not in row.html_body
    assert "You get this email because you submitted an LOI for Oslo." in row.html_body
    assert 'style="' in row.html_body  # inline-styled layout, no stylesheet to load
    assert row.message_id.startswith("<")
    assert row.message_id.endswith(">")
    assert row.template == TEMPLATE


def test_a_multi_line_subject_becomes_one_header_line():
    row = queue(subject="Line one\nBcc: victim@example.org\n  and more")
    assert row.subject == "Line one Bcc: victim@example.org and more"


def test_several_recipients():
    row = queue_email(
        key="k", to=["a@example.org", "b@example.org"], template=TEMPLATE, context=notice()
    )
    row.refresh_from_db()
    assert row.to == ["a@example.org", "b@example.org"]  # a list, not a joined string
    assert str(row) == "Your letter of intent was received -> a@example.org, b@example.org"


def test_the_reason_is_required():
    with pytest.raises(ValueError, match="reason"):
        queue_email(key="k", to="a@example.org", template=TEMPLATE, context=notice(reason=""))
    assert not OutboundEmail.objects.exists()


def test_links_the_related_object_generically():
    city = MemberCityFactory()
    row = queue_email(
        key="city-welcome", to="a@example.org", template=TEMPLATE, context=notice(), related=city
    )
    row.refresh_from_db()
    assert row.related == city
    assert row.object_id == str(city.pk)


def test_the_same_key_twice_is_one_row_and_one_scheduled_send(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = queue(key="same")
        second = queue(key="same", subject="A different subject")
    assert second.pk == first.pk
    assert second.subject == "Your letter of intent was received"
    assert OutboundEmail.objects.count() == 1
    assert len(callbacks) == 1


def test_a_duplicate_insert_returns_the_holder_and_leaves_the_transaction_usable():
    """The INSERT path itself: what a second process reaches when both queue one key at once.

    (queue_email looks the key up first, so calling it twice never gets here;
    tests/notifications/test_races.py races two connections for real.)
    """
    first = queue(key="dup")
    clash = OutboundEmail(
        key="dup", to=["x@example.org"], subject="x", text_body="x", message_id="<clash@test>"
    )
    with transaction.atomic():
        row, inserted = insert_or_get(clash)
        assert (row.pk, inserted) == (first.pk, False)
        # Were the IntegrityError not in a savepoint, Postgres would now refuse
        # every statement with "current transaction is aborted".
        other = queue(key="other")
    assert set(OutboundEmail.objects.values_list("key", flat=True)) == {"dup", "other"}
    assert other.pk != first.pk
    assert not OutboundEmail.objects.filter(message_id="<clash@test>").exists()


def test_sent_on_commit_with_text_and_html_parts(django_capture_on_commit_callbacks, eager_celery):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        row = queue()
        assert mail.outbox == []  # nothing leaves before the commit

    row.refresh_from_db()
    assert row.state == OutboundEmail.State.SENT
    assert row.attempts == 1
    assert row.sent_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@oslo.example"]
    assert message.subject == row.subject
    assert message.body == row.text_body
    assert message.alternatives[0].mimetype == "text/html"
    assert message.alternatives[0].content == row.html_body
    assert message.message()["Message-ID"] == row.message_id


def test_a_key_already_sent_sends_nothing_again(django_capture_on_commit_callbacks, eager_celery):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue(key="once")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = queue(key="once")
    assert again.pk == first.pk
    assert again.state == OutboundEmail.State.SENT
    assert callbacks == []
    assert len(mail.outbox) == 1


def test_rolled_back_nothing_is_queued_or_sent(django_capture_on_commit_callbacks, eager_celery):
    def announce_then_fail():
        with transaction.atomic():
            queue()
            raise RuntimeError("the change being announced failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        announce_then_fail()
    assert callbacks == []
    assert not OutboundEmail.objects.exists()
    assert mail.outbox == []


def test_extra_headers_are_stored_and_sent(django_capture_on_commit_callbacks, eager_celery):
    headers = {
        "List-Unsubscribe": "<https://cnca.example/news/unsubscribe/abc/>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        row = queue_email(
            key="with-headers",
            to="ana@oslo.example",
            template=TEMPLATE,
            context=notice(),
            headers=headers,
        )
    row.refresh_from_db()
    assert row.headers == headers
    sent = mail.outbox[0].message()
    assert sent["List-Unsubscribe"] == "<https://cnca.example/news/unsubscribe/abc/>"
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sent["Message-ID"] == row.message_id


@pytest.mark.parametrize(
    "headers",
    [
        {"Message-ID": "<forged@example.org>"},
        {"bcc": "someone@example.org"},
        {"X-Note": "line\r\nBcc: someone@example.org"},
        {"X Bad Name": "value"},
    ],
)
def test_headers_cannot_replace_the_outboxs_own_or_inject_lines(headers):
    with pytest.raises(ValueError, match=r"(?i)header"), transaction.atomic():
        queue_email(
            key="bad", to="ana@oslo.example", template=TEMPLATE, context=notice(), headers=headers
        )
    assert not OutboundEmail.objects.exists()
