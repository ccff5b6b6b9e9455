"""cnca.links.slug_url: reverse() remembered, never a stale address."""

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from cnca.links import slug_url
from members.models import MemberCity


def test_it_is_reverse():
    assert slug_url("members:city_detail", "oslo") == reverse(
        "members:city_detail", kwargs={"slug": "oslo"}
    )
    assert MemberCity(slug="oslo").get_absolute_url() == "/cities/oslo/"


def test_it_follows_the_script_prefix():
    assert slug_url("members:city_detail", "oslo") == "/cities/oslo/"
    set_script_prefix("/portal/")
    try:
        assert slug_url("members:city_detail", "oslo") == "/portal/cities/oslo/"
    finally:
        clear_script_prefix()
    assert slug_url("members:city_detail", "oslo") == "/cities/oslo/"


def test_it_follows_the_url_configuration():
    assert slug_url("members:city_detail", "oslo") == "/cities/oslo/"
    with override_settings(ROOT_URLCONF="tests.cnca.moved_urls"):
        assert slug_url("members:city_detail", "oslo") == "/moved/cities/oslo/"
    assert slug_url("members:city_detail", "oslo") == "/cities/oslo/"


def test_what_cannot_be_reversed_raises_as_reverse_does():
    with pytest.raises(NoReverseMatch):
        slug_url("members:city_detail", "not a slug")
