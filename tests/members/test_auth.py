"""Signing in and out, passwords, the login lockout and the /account/ dashboard."""

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from cnca.notifications.models import OutboundEmail
from members.models import CityMembership
from tests.factories import TEST_PASSWORD, CityMembershipFactory, MemberCityFactory, UserFactory

# Emails are sent by a task; here it runs in the test process.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

NEW_PASSWORD = "a-fresh-long-passphrase-2050"


@pytest.fixture
def member():
    """A Portland staff member."""
    city = MemberCityFactory(name="Portland", slug="portland")
    return CityMembershipFactory(
        user__email="ana@portland.example",
        user__full_name="Ana Lima",
        city=city,
        role=CityMembership.Role.LEAD_CONTACT,
    ).user


def sign_in(client, email, password=TEST_PASSWORD, **extra):
    return client.post(reverse("account:login"), {"username": email, "password": password, **extra})


def h1_of(response):
    found = re.findall(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    assert len(found) == 1, found
    return found[0].strip()


# --- Signing in ---------------------------------------------------------------------


def test_login_page_labels_the_field_as_email(client):
    response = client.get(reverse("account:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert h1_of(response) == "Sign in"
    assert '<label for="id_username">Email address</label>' in html
    assert 'type="email" name="username"' in html
    assert '<label for="id_password">Password</label>' in html
    assert 'autocomplete="current-password"' in html
    assert f'href="{reverse("account:password_reset")}"' in html
    assert "<main" in html


def test_sign_in_with_email_goes_to_the_account(client, member):
    response = sign_in(client, "ana@portland.example")
    assert response.status_code == 302
    assert response.url == reverse("account:dashboard")
    assert get_user(client) == member
    page = client.get(response.url)
    html = page.content.decode()
    assert "You are signed in." in html
    assert '<div class="messages" role="status">' in html


def test_sign_in_ignores_the_case_of_the_email(client, member):
    response = sign_in(client, "Ana@Portland.EXAMPLE")
    assert response.status_code == 302
    assert get_user(client) == member


def test_sign_in_returns_to_the_page_asked_for(client, member):
    response = sign_in(client, member.email, next="/about/")
    assert response.status_code == 302
    assert response.url == "/about/"


def test_sign_in_refuses_a_redirect_to_another_site(client, member):
    response = sign_in(client, member.email, next="https://evil.example/")
    assert response.url == reverse("account:dashboard")


def test_wrong_password_shows_an_error_summary(client, member):
    response = sign_in(client, member.email, "not-the-password")
    assert response.status_code == 200
    assert not get_user(client).is_authenticated
    html = response.content.decode()
    assert 'class="error-summary" role="alert"' in html
    assert "There is a problem" in html
    assert "The email address and password do not match an account." in html
    # What was typed stays in the field.
    assert f'value="{member.email}"' in html


def test_empty_form_ties_each_error_to_its_field(client):
    response = client.post(reverse("account:login"), {"username": "", "password": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="#id_username">Email address: This field is required.</a>' in html
    assert 'id="id_username_error"' in html
    field = re.search(r'<input[^>]*name="username"[^>]*>', html).group(0)
    assert 'aria-describedby="id_username_error"' in field
    assert 'aria-invalid="true"' in field


def test_a_signed_in_user_is_sent_on_from_the_login_page(client, member):
    client.force_login(member)
    response = client.get(reverse("account:login"))
    assert response.status_code == 302
    assert response.url == reverse("account:dashboard")


# --- Signing out ----------------------------------------------------------------------


def test_sign_out_is_a_post_and_says_so(client, member):
    client.force_login(member)
    response = client.post(reverse("account:logout"))
    assert response.status_code == 302
    assert response.url == reverse("cnca:home")
    assert not get_user(client).is_authenticated
    home = client.get(reverse("cnca:home"))
    assert "You are signed out." in home.content.decode()


def test_sign_out_page_offers_the_button(client, member):
    client.force_login(member)
    response = client.get(reverse("account:logout"))
    assert response.status_code == 200
    assert h1_of(response) == "Sign out"
    assert get_user(client).is_authenticated  # a GET changes nothing
    client.logout()
    response = client.get(reverse("account:logout"))
    assert h1_of(response) == "You are signed out"


# --- The account dashboard ------------------------------------------------------------------


def test_account_requires_sign_in(client):
    response = client.get(reverse("account:dashboard"))
    assert response.status_code == 302
    assert response.url == f"{reverse('account:login')}?next={reverse('account:dashboard')}"
    login_page = client.get(response.url)
    assert "Sign in to see that page." in login_page.content.decode()


def test_account_shows_the_user_city_and_role(client, member):
    client.force_login(member)
    response = client.get(reverse("account:dashboard"))
    assert response.status_code == 200
    assert h1_of(response) == "Your account"
    html = response.content.decode()
    assert "ana@portland.example" in html
    assert "Ana Lima" in html
    assert '<a href="/cities/portland/">Portland</a>' in html
    assert "Lead contact" in html
    assert "No proposals yet" in html
    assert f'href="{reverse("account:password_change")}"' in html
    assert 'aria-current="page">Your account</a>' in html


def test_account_of_a_user_without_a_city(client):
    client.force_login(UserFactory())
    html = client.get(reverse("account:dashboard")).content.decode()
    assert "Not linked to a member city" in html
    assert "No proposals yet" in html


def test_account_page_queries_are_few(client, member, django_assert_max_num_queries):
    client.force_login(member)
    # session, user, membership with city, supporters, the fund's open rounds and proposals
    with django_assert_max_num_queries(6):
        assert client.get(reverse("account:dashboard")).status_code == 200


# --- Password reset -------------------------------------------------------------------


def request_reset(client, data):
    """Ask for a reset link; the outbox sends it when the request's transaction commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("account:password_reset"), data)


def reset_link_from(message):
    match = re.search(r"https?://[^/\s]+(/account/password/reset/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_sends_one_mail_whose_link_works(client, member):
    response = request_reset(client, {"email": "ana@portland.example"})
    assert response.status_code == 302
    assert response.url == reverse("account:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@portland.example"]
    assert message.subject == "Reset your CNCA portal password"
    assert "Ana Lima" in message.body
    assert "&amp;" not in message.body  # plain text, not HTML-escaped
    # It went through the outbox, with an HTML part and the reason in the footer,
    # as a sensitive row: no token in its key, its bodies erased once sent.
    row = OutboundEmail.objects.get()
    assert row.to == ["ana@portland.example"]
    assert row.state == OutboundEmail.State.SENT
    assert row.sensitive
    assert row.key.startswith(f"password-reset:user={member.pk}:window=")
    token = reset_link_from(message).rstrip("/").rsplit("/", 1)[1]
    assert token not in row.key
    assert token not in row.text_body + row.html_body
    assert row.text_body == OutboundEmail.REDACTED
    assert message.extra_headers["Message-ID"] == row.message_id
    assert "Choose a new password" in message.alternatives[0].content
    assert "someone asked to reset the password" in message.body

    # The link leads to the form (through Django's redirect that hides the token).
    response = client.get(reset_link_from(message), follow=True)
    assert response.status_code == 200
    assert h1_of(response) == "Choose a new password"
    form_url = response.redirect_chain[-1][0]

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account:password_reset_complete")
    assert h1_of(client.get(response.url)) == "Your new password is saved"

    assert sign_in(client, member.email, NEW_PASSWORD).status_code == 302
    assert get_user(client) == member


def test_password_reset_link_works_only_once(client, member):
    request_reset(client, {"email": member.email})
    link = reset_link_from(mail.outbox[0])
    response = client.get(link, follow=True)
    client.post(
        response.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    again = client.get(link, follow=True)
    assert h1_of(again) == "This reset link does not work"


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = request_reset(client, {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("account:password_reset_done")
    assert mail.outbox == []
    assert not OutboundEmail.objects.exists()
    done = client.get(response.url)
    assert h1_of(done) == "Check your email"
    days = settings.PASSWORD_RESET_TIMEOUT // 86400
    assert f"expires after {days} day" in done.content.decode()


def test_password_reset_with_a_bad_address_shows_the_error(client, db):
    response = request_reset(client, {"email": "not-an-email"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_email">Email address: Enter a valid email address.</a>' in html


def test_new_password_mismatch_is_explained(client, member):
    request_reset(client, {"email": member.email})
    response = client.get(reset_link_from(mail.outbox[0]), follow=True)
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'id="id_new_password2_error"' in html


# --- Password change ---------------------------------------------------------------------


def test_password_change(client, member):
    client.force_login(member)
    response = client.get(reverse("account:password_change"))
    assert response.status_code == 200
    assert h1_of(response) == "Change your password"
    response = client.post(
        reverse("account:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("account:password_change_done")
    assert h1_of(client.get(response.url)) == "Your password is changed"
    # Still signed in here; the new password works from elsewhere, the old one does not.
    assert get_user(client) == member
    client.logout()
    assert sign_in(client, member.email, TEST_PASSWORD).status_code == 200
    assert sign_in(client, member.email, NEW_PASSWORD).status_code == 302


def test_password_change_with_a_wrong_old_password(client, member):
    client.force_login(member)
    response = client.post(
        reverse("account:password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert 'href="#id_old_password"' in response.content.decode()


def test_password_change_requires_sign_in(client):
    response = client.get(reverse("account:password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account:login"))


# --- Lockout (django-axes) -----------------------------------------------------------------


def fail_to_sign_in(client, email, times):
    return [sign_in(client, email, "wrong-password") for _ in range(times)]


def test_five_bad_attempts_lock_the_account_out(client, member):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    responses = fail_to_sign_in(client, member.email, limit)
    assert [r.status_code for r in responses[:-1]] == [200] * (limit - 1)
    locked = responses[-1]
    assert locked.status_code == 429
    assert h1_of(locked) == "Signing in is paused for this account"
    html = locked.content.decode()
    assert "There have been 5 unsuccessful attempts" in html
    assert "Wait <strong>1 hour</strong>" in html
    assert f'href="{reverse("account:password_reset")}"' in html
    assert '<main id="main"' in html
    # Even the right password is refused now.
    response = sign_in(client, member.email)
    assert response.status_code == 429
    assert not get_user(client).is_authenticated


def test_the_lockout_ends_after_the_cool_off(client, member, time_machine):
    time_machine.move_to("2026-01-10 09:00:00+00:00")
    fail_to_sign_in(client, member.email, 5)
    assert sign_in(client, member.email).status_code == 429
    time_machine.move_to("2026-01-10 10:01:00+00:00")
    assert sign_in(client, member.email).status_code == 302


def test_resetting_the_password_lifts_the_lockout(client, member):
    fail_to_sign_in(client, member.email.upper(), 5)
    fail_to_sign_in(client, member.email, 5)
    assert AccessAttempt.objects.exists()
    request_reset(client, {"email": member.email})
    response = client.get(reset_link_from(mail.outbox[0]), follow=True)
    client.post(
        response.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, member.email, NEW_PASSWORD).status_code == 302


def test_changing_the_case_of_the_email_does_not_earn_more_attempts(client, member):
    fail_to_sign_in(client, member.email.upper(), 3)
    responses = fail_to_sign_in(client, member.email.title(), 2)

    assert responses[-1].status_code == 429
    assert sign_in(client, member.email).status_code == 429
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [member.email]
