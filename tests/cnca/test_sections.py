"""The Resources page read from the public record, and the sections' navigation."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_resources_show_the_framework_infographic_and_game_changers(client, db):
    html = text_of(client.get(reverse("resources:index")))

    assert "CNCA Framework for Long-Term Deep Carbon Reduction Planning" in html
    assert "Pete Plastrik" in html
    assert "<dt>Released</dt><dd>December 2015</dd>" in html
    assert "The alliance worked with five U.S. cities" in html
    assert "Cleveland: about US$1.4 billion a year on fossil fuels" in html
    assert "Washington DC: figure not published" in html
    assert "Climate budgets" in html


@pytest.mark.parametrize(
    ("name", "link"),
    [
        ("news:index", "News"),
        ("resources:index", "Resources"),
    ],
)
def test_the_navigation_marks_the_section(client, db, name, link):
    html = client.get(reverse(name)).content.decode()

    assert f'aria-current="page">{link}</a>' in html
    assert html.count("<h1") == 1
