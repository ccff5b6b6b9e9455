"""The admin is the alliance's, by name."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_admin_says_whose_it_is(client):
    page = client.get(reverse("admin:login")).content.decode()
    assert "<title>Log in | CNCA admin</title>" in page
    assert "Carbon Neutral Cities Alliance</a>" in page
    assert "Django administration" not in page
