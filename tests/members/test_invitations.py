"""Alliance staff invite city staff; the link sets a first password, once, for a while."""

import contextlib
import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user
from django.contrib.auth.models import Permission
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cnca.notifications.models import OutboundEmail
from members import services
from members.models import CityMembership, User
from members.tokens import invitation_tokens
from tests.factories import (
    MemberCityFactory,
    StaffUserFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

NEW_PASSWORD = "a-fresh-long-passphrase-2050"
INVITE_URL = "/admin/members/user/invite/"


@pytest.fixture
def portland():
    return MemberCityFactory(name="Portland", slug="portland")


@pytest.fixture
def staff():
    return StaffUserFactory(email="staff@cnca.example", full_name="Alliance Staff")


@contextlib.contextmanager
def committed():
    """Run the on-commit callbacks registered inside, then forget them, as a commit does.

    The test's own transaction never commits: without forgetting them, the outbox's
    one-publish-per-transaction callback would still be pending for the next request.
    """
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        yield
    connection.run_on_commit[:] = [
        entry for entry in connection.run_on_commit if entry[1] not in callbacks
    ]


def invite(client, **data):
    """Post the admin's invitation form; the outbox sends the email on commit."""
    with committed():
        return client.post(INVITE_URL, data)


def invitation_path(message):
    match = re.search(r"https?://[^/\s]+(/account/invitation/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def set_password(client, path, password=NEW_PASSWORD):
    """Open the link and choose a password, as a browser would."""
    opened = client.get(path)
    if opened.status_code != 302:
        return opened
    return client.post(opened.url, {"new_password1": password, "new_password2": password})


@pytest.fixture
def invited(client, staff, portland):
    """Ana, invited to act for Portland; returns (user, link path)."""
    client.force_login(staff)
    response = invite(
        client,
        email="Ana@Portland.example",
        full_name="Ana Lima",
        city=portland.pk,
        role=CityMembership.Role.STAFF,
    )
    assert response.status_code == 302, response.content.decode()
    client.logout()
    user = User.objects.get(email__iexact="ana@portland.example")
    [message] = mail.outbox
    return user, invitation_path(message)


# --- Inviting -----------------------------------------------------------------------


def test_the_changelist_offers_the_invitation(client, staff):
    client.force_login(staff)

    html = client.get(reverse("admin:members_user_changelist")).content.decode()

    assert f'href="{INVITE_URL}"' in html
    assert "Invite city staff" in html


def test_an_invitation_creates_an_account_without_a_password(client, invited, portland, staff):
    user, _ = invited

    assert user.email == "Ana@portland.example"
    assert user.full_name == "Ana Lima"
    assert not user.has_usable_password()
    assert user.city_membership.city == portland
    assert user.city_membership.role == CityMembership.Role.STAFF
    [message] = mail.outbox
    assert message.to == ["Ana@portland.example"]
    assert message.subject == "You are invited to the CNCA portal for Portland"
    assert "Alliance Staff of the Carbon Neutral Cities Alliance invited you" in message.body
    assert "The link works once and for 7 days" in message.body
    row = OutboundEmail.objects.get()
    assert row.key.startswith(f"invitation:user={user.pk}:at=")
    assert row.object_id == str(user.pk)


def test_the_admin_list_shows_a_pending_invitation(client, invited, staff):
    client.force_login(staff)

    html = client.get(reverse("admin:members_user_changelist")).content.decode()

    assert "Invitation pending" in html


def test_inviting_someone_who_uses_the_portal_is_refused(client, staff, portland):
    UserFactory(email="ana@portland.example")
    client.force_login(staff)

    response = invite(client, email="ANA@portland.example", city=portland.pk, role="staff")

    assert response.status_code == 200
    html = response.content.decode()
    assert "ana@portland.example already has an account" in html
    assert 'value="ANA@portland.example"' in html  # what was typed is kept
    assert mail.outbox == []


def test_inviting_again_for_another_city_is_refused(client, invited, staff):
    client.force_login(staff)
    oslo = MemberCityFactory(name="Oslo", slug="oslo")

    response = invite(client, email="ana@portland.example", city=oslo.pk, role="staff")

    assert "was invited for Portland" in response.content.decode()
    assert invited[0].city_membership.city.name == "Portland"


def test_inviting_again_sends_a_fresh_link(client, invited, staff, portland):
    client.force_login(staff)

    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        response = invite(client, email="ana@portland.example", city=portland.pk, role="staff")

    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert OutboundEmail.objects.count() == 2


def test_a_double_click_sends_one_invitation(client, staff, portland):
    client.force_login(staff)
    data = {"email": "ana@portland.example", "city": portland.pk, "role": "staff"}

    with time_machine.travel(timezone.now().replace(second=10), tick=False):
        invite(client, **data)
        invite(client, **data)

    assert User.objects.filter(email__iexact="ana@portland.example").count() == 1
    assert len(mail.outbox) == 1


def test_the_invitation_form_says_what_is_missing(client, staff):
    client.force_login(staff)

    response = invite(client, email="not an address", role="staff")

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert response.context["form"].errors["city"] == ["This field is required."]


def test_a_committee_member_cannot_invite(client, portland):
    member = UserFactory(is_staff=True)
    client.force_login(member)

    response = invite(client, email="x@portland.example", city=portland.pk, role="staff")

    assert response.status_code == 403
    assert not User.objects.filter(email="x@portland.example").exists()


def test_the_admin_action_sends_a_new_link_only_to_pending_people(client, invited, staff):
    in_use = UserFactory(email="bo@portland.example")
    client.force_login(staff)

    with time_machine.travel(timezone.now() + timedelta(minutes=5)), committed():
        response = client.post(
            reverse("admin:members_user_changelist"),
            {"action": "send_new_invitation", "_selected_action": [invited[0].pk, in_use.pk]},
            follow=True,
        )

    html = response.content.decode()
    assert "New invitation sent to Ana@portland.example." in html
    assert "Not sent to bo@portland.example" in html
    assert [m.to for m in mail.outbox] == [["Ana@portland.example"], ["Ana@portland.example"]]


# --- Accepting ------------------------------------------------------------------------


def test_the_link_sets_a_password_signs_in_and_lands_on_the_dashboard(client, invited):
    user, path = invited

    opened = client.get(path)
    assert opened.status_code == 302
    assert "/set-password/" in opened.url  # the token leaves the address bar at once
    form = client.get(opened.url)
    assert "Welcome to the CNCA portal" in form.content.decode()
    assert "You were invited to act for Portland" in form.content.decode()
    done = client.post(opened.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert done.url == reverse("account:dashboard")
    assert get_user(client) == user
    dashboard = client.get(done.url).content.decode()
    assert "Your password is set and you are signed in." in dashboard
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    client.logout()
    login = client.post(
        reverse("account:login"), {"username": "ana@portland.example", "password": NEW_PASSWORD}
    )
    assert login.status_code == 302


def test_a_weak_password_is_refused_and_the_link_still_works(client, invited):
    user, path = invited

    response = set_password(client, path, password="password")

    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert set_password(client, path).status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def link_refused(response):
    return response.status_code == 200 and (
        "This invitation link does not work" in response.content.decode()
    )


def test_a_used_link_does_not_work_again(client, invited):
    user, path = invited
    assert set_password(client, path).status_code == 302
    client.logout()

    assert link_refused(client.get(path))
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_link_used_in_another_tab_meanwhile_is_refused(client, invited):
    user, path = invited
    opened = client.get(path)
    other_tab = client.get(path)  # a second tab also reached the form
    assert other_tab.status_code == 302

    first = client.post(opened.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert first.status_code == 302
    second = client.post(
        opened.url, {"new_password1": "x-other-pass-1234", "new_password2": "x-other-pass-1234"}
    )

    assert link_refused(second)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_accepting_twice_with_one_token_succeeds_once(invited):
    user, path = invited
    token = path.rstrip("/").rsplit("/", 1)[1]

    services.accept_invitation(user_id=user.pk, token=token, password=NEW_PASSWORD)
    with pytest.raises(services.InvitationLinkInvalid):
        services.accept_invitation(user_id=user.pk, token=token, password="another-one-2050")

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_an_expired_link_does_not_work(client, invited, settings):
    _, path = invited
    days = settings.INVITATION_VALID_DAYS

    with time_machine.travel(timezone.now() + timedelta(days=days, seconds=-30)):
        assert client.get(path).status_code == 302  # still valid just before
    with time_machine.travel(timezone.now() + timedelta(days=days, seconds=30)):
        response = client.get(path)

    assert link_refused(response)
    assert "ask the alliance staff to send you a new invitation" in response.content.decode()


def test_the_lifetime_is_configurable(client, invited, settings):
    _, path = invited
    settings.INVITATION_VALID_DAYS = 1

    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert link_refused(client.get(path))


@pytest.mark.parametrize("part", ["token", "uid"])
def test_a_tampered_link_does_not_work(client, invited, part):
    user, path = invited
    _, _, _, uidb64, token, _ = path.split("/")
    if part == "token":
        token = token[:-1] + ("a" if token[-1] != "a" else "b")
    else:
        uidb64 = urlsafe_base64_encode(force_bytes(user.pk + 1))

    assert link_refused(client.get(f"/account/invitation/{uidb64}/{token}/"))


def test_a_password_reset_token_is_not_an_invitation(client, invited):
    user, _ = invited
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    reset_token = default_token_generator.make_token(user)

    assert link_refused(client.get(f"/account/invitation/{uidb64}/{reset_token}/"))
    assert not default_token_generator.check_token(user, invitation_tokens.make_token(user))


def test_a_switched_off_account_cannot_accept(client, invited):
    user, path = invited
    User.objects.filter(pk=user.pk).update(is_active=False)

    assert link_refused(client.get(path))


def test_the_set_password_page_without_a_token_in_the_session_refuses(client, invited):
    user, _ = invited
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))

    response = client.post(
        f"/account/invitation/{uidb64}/set-password/",
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert link_refused(response)
    user.refresh_from_db()
    assert not user.has_usable_password()


# --- The link is a secret ---------------------------------------------------------------


def test_the_link_is_never_readable_in_the_outbox(client, invited):
    """An operator with the outbox's view permission must not read a live link."""
    _, path = invited
    token = path.rstrip("/").rsplit("/", 1)[1]
    row = OutboundEmail.objects.get()
    operator = UserFactory(is_staff=True)
    operator.user_permissions.add(Permission.objects.get(codename="view_outboundemail"))
    client.force_login(operator)

    pages = [
        client.get(reverse("admin:notifications_outboundemail_changelist")),
        client.get(reverse("admin:notifications_outboundemail_change", args=[row.pk])),
        client.get(reverse("admin:notifications_outboundemail_preview", args=[row.pk])),
    ]
    search = client.get(reverse("admin:notifications_outboundemail_changelist"), {"q": token})

    # The list and the row's page show; the preview of a sensitive row does not exist.
    assert [page.status_code for page in pages] == [200, 200, 404]
    for page in pages:
        assert token not in page.content.decode()
    assert search.context["cl"].result_count == 0  # nothing stored holds the token
    assert token not in row.key
    row.refresh_from_db()
    assert token not in row.text_body
    assert token not in row.html_body
    assert token in mail.outbox[0].body  # it did reach the invitee
