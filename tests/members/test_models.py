import pytest
from django.db import IntegrityError

from members.models import User
from tests.factories import CityMembershipFactory, MemberCityFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_case_insensitive():
    user = User.objects.create_user("Ana.Lima@Portland.Example", password="long-enough-pass")

    assert user.email == "Ana.Lima@portland.example"
    assert User.objects.get_by_natural_key("ana.lima@PORTLAND.example") == user
    assert user.check_password("long-enough-pass")
    assert not user.is_staff


def test_the_same_email_in_another_case_is_refused():
    User.objects.create_user("ana@portland.example")

    with pytest.raises(IntegrityError):
        User.objects.create_user("ANA@portland.example")


def test_superuser_is_staff():
    admin = User.objects.create_superuser("staff@cnca.example", password="x-long-password")

    assert admin.is_staff
    assert admin.is_superuser


def test_a_person_acts_for_one_city():
    membership = CityMembershipFactory()

    with pytest.raises(IntegrityError):
        CityMembershipFactory(user=membership.user, city=MemberCityFactory())


def test_reduction_over_100_percent_is_refused():
    with pytest.raises(IntegrityError):
        MemberCityFactory(reduction_percent=120)


def test_city_url_and_name():
    city = MemberCityFactory(name="Oslo", slug="oslo")

    assert str(city) == "Oslo"
    assert city.get_absolute_url() == "/cities/oslo/"


def test_user_names():
    user = UserFactory(full_name="Ana Lima")

    assert str(user) == "Ana Lima"
    assert user.get_short_name() == "Ana"
