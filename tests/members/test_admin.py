"""The members admin: search, filters, forms (query counts: tests/test_admin_changelists.py)."""

import pytest
from django.urls import reverse

from members.models import MemberCity
from tests.factories import (
    CityMembershipFactory,
    MemberCityFactory,
    StaffUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffUserFactory())
    return client


def test_city_search_and_filter(staff_client):
    MemberCityFactory(name="Oslo", slug="oslo", country="NO", founding_member=True)
    MemberCityFactory(name="Helsinki", slug="helsinki", country="FI")
    url = reverse("admin:members_membercity_changelist")

    found = staff_client.get(url, {"q": "oslo"})
    founding = staff_client.get(url, {"founding_member__exact": "1"})

    assert [c.name for c in found.context["cl"].result_list] == ["Oslo"]
    assert [c.name for c in founding.context["cl"].result_list] == ["Oslo"]


def test_city_add_form_prepopulates_the_slug_from_the_name(staff_client):
    response = staff_client.get(reverse("admin:members_membercity_add"))

    assert response.status_code == 200
    assert response.context["adminform"].prepopulated_fields[0]["field"].name == "slug"


def test_staff_can_add_a_city(staff_client):
    response = staff_client.post(
        reverse("admin:members_membercity_add"),
        {
            "name": "Reykjavik",
            "slug": "reykjavik",
            "country": "IS",
            "region": "europe",
            "status": "member",
            "target": "Carbon neutral by 2040",
            "target_year": "2040",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert MemberCity.objects.get(slug="reykjavik").target_year == 2040


def test_user_list_shows_the_city_and_finds_by_city(staff_client):
    membership = CityMembershipFactory(city=MemberCityFactory(name="Portland", slug="portland"))
    UserFactory(email="someone@else.example")
    url = reverse("admin:members_user_changelist")

    response = staff_client.get(url, {"q": "Portland"})

    assert list(response.context["cl"].result_list) == [membership.user]
    assert "Portland" in response.text


def test_city_staff_cannot_open_the_admin(client):
    client.force_login(CityMembershipFactory().user)

    response = client.get(reverse("admin:members_membercity_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
