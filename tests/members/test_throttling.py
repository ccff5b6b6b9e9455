"""Login throttling behind a proxy: by login and by client address, independently."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-fresh-long-passphrase-2050"
PROXY = "10.0.0.1"  # every request reaches Django from the TLS proxy


@pytest.fixture(autouse=True)
def one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def sign_in(client, email, password="wrong-password", *, forwarded):  # noqa: S107
    """A login through the proxy, which appends the client's address to X-Forwarded-For."""
    return client.post(
        reverse("account:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        headers={"X-Forwarded-For": forwarded},
    )


def test_one_address_trying_many_logins_is_locked_out(client, db):
    attacker = "203.0.113.7"
    codes = [
        sign_in(client, f"user{n}@example.org", forwarded=attacker).status_code for n in range(6)
    ]

    assert codes == [200, 200, 200, 200, 429, 429]


def test_the_lock_of_one_address_spares_the_others_behind_the_same_proxy(client, db):
    colleague = UserFactory(email="ana@portland.example")
    for n in range(5):
        sign_in(client, f"user{n}@example.org", forwarded="203.0.113.7")

    response = sign_in(client, colleague.email, TEST_PASSWORD, forwarded="198.51.100.2")

    assert response.status_code == 302  # signed in: the proxy's address is not the client's


def test_one_login_tried_from_many_addresses_is_locked_out(client, db):
    member = UserFactory(email="ana@portland.example")
    for n in range(5):
        sign_in(client, member.email, forwarded=f"203.0.113.{n + 10}")

    # Even the right password from a fresh address is refused now.
    response = sign_in(client, member.email, TEST_PASSWORD, forwarded="198.51.100.2")

    assert response.status_code == 429


def test_a_forged_forwarded_header_earns_no_fresh_attempts(client, db):
    # The client writes its own X-Forwarded-For; the proxy appends the real address.
    codes = [
        sign_in(client, f"user{n}@example.org", forwarded=f"192.0.2.{n}, 203.0.113.7").status_code
        for n in range(5)
    ]

    assert codes[-1] == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_without_a_trusted_proxy_the_header_is_ignored(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        sign_in(client, f"user{n}@example.org", forwarded=f"203.0.113.{n}")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}


def test_a_success_does_not_wipe_the_count_of_the_address(client, db):
    # Otherwise one valid account would let an address spray other logins forever.
    own = UserFactory(email="own@example.org")
    for n in range(4):
        sign_in(client, f"user{n}@example.org", forwarded="203.0.113.7")
    assert sign_in(client, own.email, TEST_PASSWORD, forwarded="203.0.113.7").status_code == 302
    client.logout()

    assert sign_in(client, "user9@example.org", forwarded="203.0.113.7").status_code == 429


@pytest.mark.parametrize(
    "typed", ["ana@portland.example", "ANA@PORTLAND.EXAMPLE", "Ana@Portland.Example"]
)
def test_the_documented_unlock_command_works_whatever_the_case(client, db, typed, capsys):
    member = UserFactory(email="ana@portland.example")
    for n in range(5):
        sign_in(client, member.email.title(), forwarded=f"203.0.113.{n + 10}")
    assert sign_in(client, member.email, TEST_PASSWORD, forwarded="198.51.100.2").status_code == 429

    call_command("unlock_login", typed)

    assert "Unlocked" in capsys.readouterr().out
    assert sign_in(client, member.email, TEST_PASSWORD, forwarded="198.51.100.2").status_code == 302


def test_the_unlock_command_unlocks_an_address(client, db, capsys):
    for n in range(5):
        sign_in(client, f"user{n}@example.org", forwarded="203.0.113.7")
    member = UserFactory(email="ana@portland.example")

    call_command("unlock_login", "--ip", "203.0.113.7")

    # The logins tried are still locked; the address itself is free again.
    assert sign_in(client, member.email, TEST_PASSWORD, forwarded="203.0.113.7").status_code == 302


def test_the_operations_guide_names_the_command_that_works():
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    assert "manage.py unlock_login EMAIL" in guide
    assert "axes_reset_username" not in guide


# --- Old-password guesses on the password change page ------------------------------------


def change_password(client, old):
    return client.post(
        reverse("account:password_change"),
        {"old_password": old, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        REMOTE_ADDR=PROXY,
        headers={"X-Forwarded-For": "203.0.113.7"},
    )


def test_wrong_old_passwords_on_the_change_page_are_throttled(client, db):
    member = UserFactory(email="ana@portland.example")
    client.force_login(member)

    codes = [change_password(client, f"guess-{n}").status_code for n in range(5)]
    # Even the right old password is refused now, and the page says why.
    right = change_password(client, TEST_PASSWORD)

    assert codes == [200, 200, 200, 200, 429]
    assert right.status_code == 429
    assert "Signing in is paused" in right.content.decode()
    member.refresh_from_db()
    assert member.check_password(TEST_PASSWORD)
    # The guesses count against the account's login too.
    client.logout()
    assert sign_in(client, member.email, TEST_PASSWORD, forwarded="198.51.100.2").status_code == 429


def test_a_few_wrong_old_passwords_then_the_right_one_works(client, db):
    member = UserFactory(email="ana@portland.example")
    client.force_login(member)
    for n in range(3):
        assert change_password(client, f"guess-{n}").status_code == 200

    response = change_password(client, TEST_PASSWORD)

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
