"""The main navigation marks the section of the page shown."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "link"),
    [
        ("innovation_fund:index", "Innovation Fund"),
        ("news:index", "News"),
        ("resources:index", "Resources"),
    ],
)
def test_the_navigation_marks_the_section(client, name, link):
    html = client.get(reverse(name)).content.decode()

    assert f'aria-current="page">{link}</a>' in html
    assert html.count("<h1") == 1
