"""Factories for the test suite: one per model, realistic and minimal."""

import factory
from factory.django import DjangoModelFactory

from members.models import CityMembership, MemberCity, Region, Supporter, User

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffUserFactory(UserFactory):
    is_staff = True
    is_superuser = True


class MemberCityFactory(DjangoModelFactory):
    class Meta:
        model = MemberCity
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test City {n}")
    slug = factory.Sequence(lambda n: f"test-city-{n}")
    country = "US"
    region = Region.NORTH_AMERICA
    founding_member = False
    target = "Carbon neutral by 2050"
    target_year = 2050


class CityMembershipFactory(DjangoModelFactory):
    class Meta:
        model = CityMembership

    user = factory.SubFactory(UserFactory)
    city = factory.SubFactory(MemberCityFactory)
    role = CityMembership.Role.STAFF


class SupporterFactory(DjangoModelFactory):
    class Meta:
        model = Supporter

    name = factory.Sequence(lambda n: f"Foundation {n}")
    role = Supporter.Role.FUNDER
