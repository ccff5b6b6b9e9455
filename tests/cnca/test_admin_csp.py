"""The admin renders no inline style or script: the CSP (no 'unsafe-inline') would block it."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests.factories import CityMembershipFactory, SupporterFactory, UserFactory

pytestmark = pytest.mark.django_db


class InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.found.append(f"<{tag} style={attrs['style']!r}>")
        if tag == "style" or (tag == "script" and "src" not in attrs):
            self.found.append(f"<{tag}> element")
        for name in attrs:
            if re.fullmatch(r"on[a-z]+", name):
                self.found.append(f"<{tag} {name}=...>")


def inline_parts(response):
    finder = InlineFinder()
    finder.feed(response.content.decode())
    return finder.found


def admin_pages():
    """The index; each model's changelist, add form and the change form of its first row."""
    pages = [("admin:index", [])]
    for model in admin.site._registry:
        meta = model._meta
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        pages += [(f"{prefix}_changelist", []), (f"{prefix}_add", [])]
        if first := model._default_manager.order_by("pk").first():
            pages.append((f"{prefix}_change", [first.pk]))
    return pages


def test_the_admin_login_has_no_inline_style_or_script(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert inline_parts(response) == []


def test_no_admin_page_has_inline_style_or_script(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    CityMembershipFactory()
    SupporterFactory()
    client.force_login(superuser)
    problems = {}
    for name, args in admin_pages():
        try:
            url = reverse(name, args=args)
        except NoReverseMatch:
            continue
        response = client.get(url)
        if response.status_code != 200:
            continue  # e.g. an add page the admin does not offer (403)
        if found := inline_parts(response):
            problems[url] = found
    assert problems == {}
