"""The outbox in the admin: who sees it, the preview, the actions (query counts:
tests/test_admin_changelists.py)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from cnca.notifications.models import OutboundEmail
from cnca.notifications.services import queue_email
from tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

State = OutboundEmail.State
CHANGELIST = reverse("admin:notifications_outboundemail_changelist")


def make_row(key="k", to="ana@oslo.example", subject="LOI received", **fields):
    row = queue_email(
        key=key,
        to=to,
        template="notifications/email/notice",
        context={
            "subject": subject,
            "paragraphs": ["<script>alert(1)</script> Thanks."],
            "reason": "You get this because you submitted an LOI.",
        },
        related=fields.pop("related", None),
    )
    if fields:
        OutboundEmail.objects.filter(pk=row.pk).update(**fields)
        row.refresh_from_db()
    return row


def change_url(row):
    return reverse("admin:notifications_outboundemail_change", args=[row.pk])


def preview_url(row):
    return reverse("admin:notifications_outboundemail_preview", args=[row.pk])


def staff_with(*codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="notifications", codename__in=codenames)
    )
    return user


@pytest.fixture
def superuser_client(client):
    client.force_login(StaffUserFactory())
    return client


def test_committee_member_without_the_permission_does_not_see_the_outbox(client):
    row = make_row()
    client.force_login(UserFactory(is_staff=True))  # may use the admin, not the outbox

    assert client.get(CHANGELIST).status_code == 403
    assert client.get(change_url(row)).status_code == 403
    assert client.get(preview_url(row)).status_code == 403
    index = client.get(reverse("admin:index"))
    assert b"Outbox" not in index.content


def test_the_public_is_sent_to_the_login(client):
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_alliance_staff_with_the_view_permission_see_it_without_actions(client):
    make_row()
    client.force_login(staff_with("view_outboundemail"))
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert b"LOI received" in response.content
    assert b"retry_failed" not in response.content  # actions need the change permission


def test_list_filters_by_state_and_searches_recipient_and_subject(superuser_client):
    make_row(key="a", to="ana@oslo.example", subject="Oslo news")
    make_row(key="b", to="ben@paris.example", subject="Decision on your proposal")
    make_row(key="c", to="cy@rome.example", subject="Reminder", state=State.FAILED)

    response = superuser_client.get(CHANGELIST, {"state__exact": "failed"})
    assert [row.key for row in response.context["cl"].result_list] == ["c"]

    response = superuser_client.get(CHANGELIST, {"q": "paris"})
    assert [row.key for row in response.context["cl"].result_list] == ["b"]

    response = superuser_client.get(CHANGELIST, {"q": "Oslo news"})
    assert [row.key for row in response.context["cl"].result_list] == ["a"]


def test_change_page_shows_the_error_and_a_sandboxed_preview(superuser_client):
    row = make_row(state=State.FAILED, attempts=1, last_error="SMTPDataError: 550 5.7.1 Rejected")
    response = superuser_client.get(change_url(row))
    content = response.content.decode()

    assert response.status_code == 200
    assert "550 5.7.1 Rejected" in content
    assert f'src="{preview_url(row)}"' in content
    assert 'sandbox=""' in content
    # The HTML source and the text part are shown escaped, never as markup.
    assert "<script>alert(1)</script>" not in content
    assert "You get this because you submitted an LOI." in content
    assert 'name="_save"' not in content  # the outbox is read-only


def test_preview_serves_the_html_in_a_locked_down_document(superuser_client):
    row = make_row()
    response = superuser_client.get(preview_url(row))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.content.decode() == row.html_body
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "sandbox" in csp
    assert "script-src" not in csp  # falls back to 'none'
    assert "frame-ancestors 'self'" in csp
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_preview_of_a_missing_row_is_404(superuser_client):
    url = reverse("admin:notifications_outboundemail_preview", args=[999999])
    assert superuser_client.get(url).status_code == 404


def test_retry_action_queues_failed_rows_again(superuser_client):
    failed = make_row(key="f", state=State.FAILED, attempts=5, last_error="550")
    sent = make_row(key="s", state=State.SENT, sent_at=timezone.now())
    response = superuser_client.post(
        CHANGELIST,
        {"action": "retry_failed", "_selected_action": [failed.pk, sent.pk]},
        follow=True,
    )
    assert b"1 failed email(s) queued again." in response.content
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.state, failed.attempts) == (State.QUEUED, 0)
    assert sent.state == State.SENT


def test_cancel_action_cancels_queued_rows_only(client):
    client.force_login(staff_with("view_outboundemail", "change_outboundemail"))
    queued = make_row(key="q")
    sending = make_row(key="sending", state=State.SENDING, sending_since=timezone.now())
    response = client.post(
        CHANGELIST,
        {"action": "cancel_queued", "_selected_action": [queued.pk, sending.pk]},
        follow=True,
    )
    assert b"1 queued email(s) cancelled." in response.content
    queued.refresh_from_db()
    sending.refresh_from_db()
    assert queued.state == State.CANCELLED
    assert sending.state == State.SENDING


def test_view_only_staff_cannot_run_the_actions(client):
    client.force_login(staff_with("view_outboundemail"))
    queued = make_row(key="q")
    client.post(CHANGELIST, {"action": "cancel_queued", "_selected_action": [queued.pk]})
    queued.refresh_from_db()
    assert queued.state == State.QUEUED


def test_no_adding_or_deleting_rows(superuser_client):
    row = make_row()
    assert superuser_client.get(reverse("admin:notifications_outboundemail_add")).status_code == 403
    delete = reverse("admin:notifications_outboundemail_delete", args=[row.pk])
    assert superuser_client.get(delete).status_code == 403


# --- View-only rows ------------------------------------------------------------------


def test_a_post_to_the_change_page_is_refused_and_rewrites_nothing(superuser_client):
    row = make_row(state=State.FAILED, attempts=3, last_error="550 no")
    before = OutboundEmail.objects.filter(pk=row.pk).values().get()

    response = superuser_client.post(
        change_url(row), {"state": "queued", "subject": "Changed", "attempts": "0"}
    )

    assert response.status_code == 403
    assert OutboundEmail.objects.filter(pk=row.pk).values().get() == before
    page = superuser_client.get(change_url(row)).content.decode()
    assert 'name="_save"' not in page
    assert "<form" in page  # the page still renders, view-only


def test_view_only_rows_still_allow_the_actions(superuser_client):
    row = make_row(state=State.FAILED)
    response = superuser_client.post(
        CHANGELIST, {"action": "retry_failed", "_selected_action": [row.pk]}, follow=True
    )
    assert b"1 failed email(s) queued again." in response.content


def test_the_change_page_shows_each_recipients_reply(superuser_client):
    row = make_row(to=["ana@oslo.example", "gone@paris.example"])
    OutboundEmail.objects.filter(pk=row.pk).update(
        state=State.SENT,
        sent_at=timezone.now(),
        results={"ana@oslo.example": "250 accepted", "gone@paris.example": "550 No such user"},
    )
    page = superuser_client.get(change_url(row)).content.decode()
    assert "gone@paris.example: 550 No such user" in page
    assert "ana@oslo.example, gone@paris.example" in page


# --- Sensitive emails --------------------------------------------------------------------


def sensitive_row(**fields):
    row = queue_email(
        key="password-reset:user=1:window=1",
        to="boss@cnca.example",
        template="notifications/email/notice",
        context={
            "subject": "Reset your password",
            "paragraphs": ["SECRET-LINK-https://portal/reset/MQ/abc-123/"],
            "reason": "You asked.",
        },
        sensitive=True,
    )
    if fields:
        OutboundEmail.objects.filter(pk=row.pk).update(**fields)
    return row


@pytest.mark.parametrize("state", [State.QUEUED, State.FAILED, State.SENDING])
def test_the_admin_never_shows_a_sensitive_body(client, state):
    """Not while it waits, not after a failure, to no one: not even the superuser."""
    row = sensitive_row(state=state)
    assert "SECRET-LINK" in OutboundEmail.objects.get(pk=row.pk).text_body  # stored, to send
    for user in (staff_with("view_outboundemail"), StaffUserFactory()):
        client.force_login(user)
        pages = [
            client.get(CHANGELIST),
            client.get(CHANGELIST, {"q": "boss@cnca.example"}),
            client.get(change_url(row)),
        ]
        for page in pages:
            assert page.status_code == 200
            assert "SECRET-LINK" not in page.content.decode()
        assert "carries a secret" in pages[-1].content.decode()
        assert client.get(preview_url(row)).status_code == 404
