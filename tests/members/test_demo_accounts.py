"""`create_demo_accounts`: the people a demo of the portal signs in as."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from members.models import CityMembership, MemberCity, User
from members.services import DEMO_ACCOUNTS, SELECTION_COMMITTEE_GROUP
from tests.factories import CityMembershipFactory, MemberCityFactory, UserFactory

PASSWORD = "demo-portal-password-2024"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.fixture
def cities():
    return {
        slug: MemberCityFactory(slug=slug, name=name)
        for slug, name in [
            ("portland", "Portland"),
            ("copenhagen", "Copenhagen"),
            ("stockholm", "Stockholm"),
        ]
    }


def run(*args):
    out = StringIO()
    call_command("create_demo_accounts", *args, stdout=out)
    return out.getvalue()


def city_of(email):
    membership = CityMembership.objects.filter(user__email=email).first()
    return membership.city.slug if membership else None


def in_committee(user):
    return user.groups.filter(name=SELECTION_COMMITTEE_GROUP).exists()


@pytest.mark.usefixtures("debug", "cities")
def test_creates_the_seven_accounts():
    output = run("--password", PASSWORD)

    assert User.objects.count() == 7
    accounts = {user.email: user for user in User.objects.all()}
    assert set(accounts) == {account.email for account in DEMO_ACCOUNTS}
    for email in accounts:
        assert email in output
    assert output.count("created") == 7

    staff = accounts["staff@cnca.example"]
    assert staff.is_superuser
    assert staff.is_staff
    assert not in_committee(staff)
    assert city_of(staff.email) is None

    committee = [user for user in accounts.values() if in_committee(user)]
    assert {user.email: city_of(user.email) for user in committee} == {
        "committee@portland.example": "portland",
        "committee@copenhagen.example": "copenhagen",
        "committee@cnca.example": None,
    }
    for user in committee:
        assert user.is_staff
        assert not user.is_superuser

    city_staff = {
        email: city_of(email)
        for email, user in accounts.items()
        if not user.is_staff and not in_committee(user)
    }
    assert city_staff == {
        "staff@portland.example": "portland",
        "staff@copenhagen.example": "copenhagen",
        "staff@stockholm.example": "stockholm",
    }
    assert set(CityMembership.objects.values_list("role", flat=True)) == {CityMembership.Role.STAFF}
    for user in accounts.values():
        assert user.is_active
        assert user.check_password(PASSWORD)


@pytest.mark.usefixtures("debug", "cities")
def test_the_printed_password_signs_in(rf):
    run("--password", PASSWORD)
    for account in DEMO_ACCOUNTS:
        request = rf.post("/accounts/login/")
        user = authenticate(request, username=account.email, password=PASSWORD)
        assert user is not None, account.email
        assert user.email == account.email
    assert authenticate(rf.post("/"), username="staff@cnca.example", password="wrong") is None


@pytest.mark.usefixtures("debug")
def test_a_rerun_updates_without_duplicates(cities):
    run("--password", PASSWORD)
    # Drift: flags, group, membership and the address's case changed by hand.
    User.objects.filter(email="staff@portland.example").update(
        is_staff=True, is_active=False, email="Staff@Portland.example"
    )
    independent = User.objects.get(email="committee@cnca.example")
    independent.groups.clear()
    CityMembershipFactory(user=independent, city=cities["stockholm"])
    CityMembership.objects.filter(user__email="staff@stockholm.example").update(
        city=cities["portland"], role=CityMembership.Role.LEAD_CONTACT
    )

    output = run("--password", "another-demo-password")

    assert output.count("updated") == 7
    assert "created" not in output
    assert User.objects.count() == 7
    assert CityMembership.objects.count() == 5
    assert Group.objects.filter(name=SELECTION_COMMITTEE_GROUP).count() == 1
    portland_staff = User.objects.get(email__iexact="staff@portland.example")
    assert not portland_staff.is_staff
    assert portland_staff.is_active
    independent.refresh_from_db()
    assert in_committee(independent)
    assert city_of(independent.email) is None
    stockholm = CityMembership.objects.get(user__email="staff@stockholm.example")
    assert (stockholm.city.slug, stockholm.role) == ("stockholm", CityMembership.Role.STAFF)
    for user in User.objects.all():
        assert user.check_password("another-demo-password")
        assert not user.check_password(PASSWORD)


@pytest.mark.usefixtures("cities")
def test_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        run("--password", PASSWORD)
    assert not User.objects.exists()


@pytest.mark.usefixtures("cities")
def test_force_runs_when_debug_is_off(settings):
    settings.DEBUG = False
    run("--password", PASSWORD, "--force")
    assert User.objects.count() == 7


@pytest.mark.usefixtures("cities")
def test_force_still_wants_a_strong_password(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="password validators"):
        run("--password", "password", "--force")
    assert not User.objects.exists()


@pytest.mark.usefixtures("debug")
def test_needs_the_cities_first():
    MemberCityFactory(slug="portland", name="Portland")
    with pytest.raises(CommandError, match="load_cnca_content") as error:
        run("--password", PASSWORD)
    assert "copenhagen" in str(error.value)
    assert "stockholm" in str(error.value)
    assert not User.objects.exists()
    assert not Group.objects.exists()


@pytest.mark.usefixtures("debug", "cities")
def test_an_existing_unrelated_user_is_left_alone():
    other = UserFactory(email="someone@example.org")
    run("--password", PASSWORD)
    other.refresh_from_db()
    assert not other.check_password(PASSWORD)
    assert User.objects.count() == 8


def test_password_is_required():
    with pytest.raises(CommandError, match="--password"):
        run()


@pytest.mark.usefixtures("debug")
def test_works_on_the_loaded_content():
    call_command("load_cnca_content", stdout=StringIO())
    run("--password", PASSWORD)
    assert MemberCity.objects.count() == 21
    assert User.objects.count() == 7
