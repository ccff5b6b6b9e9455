"""cnca.widgets.Select writes the markup Django's template-rendered Select does."""

import re

import pytest
from django import forms

from cnca.widgets import Select


def tags(html):
    """The markup without the line breaks and indents between tags."""
    return re.sub(r">\s+<", "><", html.strip())


CHOICES = [
    ("", "Any city"),
    ("oslo", "Oslo"),
    (2050, 2050),
    ("a&b", 'Tom & "Jerry" <b>'),
    ("Nordic", [("helsinki", "Helsinki"), ("stockholm", "Stockholm")]),
]


@pytest.mark.parametrize(
    ("value", "attrs"),
    [
        (None, None),
        ("oslo", {"id": "id_city"}),
        ("stockholm", {"id": "id_city", "required": True, "disabled": False}),
        (2050, {"aria-describedby": 'id_city_helptext "x"', "class": "wide"}),
        ("a&b", {"data-x": "<y>"}),
    ],
)
def test_the_markup_is_djangos(value, attrs):
    ours = Select(choices=CHOICES).render("city", value, attrs)
    djangos = forms.Select(choices=CHOICES).render("city", value, attrs)

    assert tags(ours) == tags(djangos)


def test_a_bound_field_renders_the_same():
    class CityForm(forms.Form):
        city = forms.ChoiceField(choices=CHOICES, widget=Select, help_text="Pick one")

    class DjangoCityForm(forms.Form):
        city = forms.ChoiceField(choices=CHOICES, help_text="Pick one")

    for data in ({}, {"city": "helsinki"}, {"city": "nowhere"}):
        ours, djangos = CityForm(data or None), DjangoCityForm(data or None)
        ours.is_bound and ours.is_valid()
        djangos.is_bound and djangos.is_valid()
        assert tags(str(ours["city"])) == tags(str(djangos["city"]))
    assert '<option value="helsinki" selected>Helsinki</option>' in str(
        CityForm({"city": "helsinki"})["city"]
    )


def test_a_subclass_with_its_own_option_template_is_rendered_by_django():
    class Custom(Select):
        option_template_name = "django/forms/widgets/input_option.html"

    html = Custom(choices=[("oslo", "Oslo")]).render("city", "oslo")

    assert "<option" not in html
    assert 'value="oslo"' in html
