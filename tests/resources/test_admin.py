"""Staff manage resources and the infographic's figures in the admin."""

import pytest
from django.urls import reverse

from resources.models import Resource, SpendingFigure
from tests.factories import StaffUserFactory
from tests.files import pdf_bytes

from .factories import (
    PDF_BYTES,
    pdf_upload,
    png_bytes,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def staff_client(client):
    client.force_login(StaffUserFactory())
    return client


def resource_form(**changes):
    data = {
        "title": "Game Changers report",
        "slug": "game-changers-report",
        "kind": "report",
        "is_published": "on",
        "position": "5",
        "summary": "Seven game changers.",
        "body": "1. Climate budgets",
        "authors": "",
        "published_on": "2018-01-01",
        "date_precision": "year",
        "source_title": "Summit Foundation",
        "source_url": "https://summitfdn.org/",
    }
    data.update(changes)
    return data


def test_staff_publish_a_resource_with_a_pdf(staff_client, client):
    response = staff_client.post(
        reverse("admin:resources_resource_add"), resource_form(file=pdf_upload("report.pdf"))
    )

    assert response.status_code == 302
    resource = Resource.objects.get(slug="game-changers-report")
    assert resource.file_type == "application/pdf"
    assert resource.body_html == "<ol>\n<li>Climate budgets</li>\n</ol>"
    assert client.get(resource.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>"),
        ("chart.png", b"\x89PNG\r\n\x1a\n" + b"not really a png"),
        ("notes.txt", b"plain text"),
        ("script.pdf", pdf_bytes(javascript="app.alert(1)")),
    ],
)
def test_a_file_is_judged_by_its_content_not_its_name(staff_client, name, content):
    response = staff_client.post(
        reverse("admin:resources_resource_add"),
        resource_form(file=pdf_upload(name, content)),
    )

    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not Resource.objects.exists()


def test_an_image_is_accepted_and_served_as_an_image(staff_client, client):
    staff_client.post(
        reverse("admin:resources_resource_add"),
        resource_form(file=pdf_upload("chart.bin", png_bytes())),
    )
    resource = Resource.objects.get()

    response = client.get(resource.get_download_url())

    assert resource.file.name.endswith(".png")
    assert response["Content-Type"] == "image/png"


def test_a_file_over_the_limit_is_refused(staff_client, settings):
    settings.FUND_UPLOAD_MAX_BYTES = len(PDF_BYTES) - 1

    response = staff_client.post(
        reverse("admin:resources_resource_add"), resource_form(file=pdf_upload())
    )

    assert "each file may be at most" in response.content.decode()
    assert not Resource.objects.exists()


def test_a_real_figure_needs_a_source(staff_client):
    response = staff_client.post(
        reverse("admin:resources_spendingfigure_add"),
        {
            "city": "Cleveland",
            "sector": "all",
            "fuel": "all",
            "amount_usd": "1400000000",
            "position": "1",
            "source_title": "",
            "source_url": "",
        },  # illustrative left unticked
    )

    assert response.status_code == 200
    assert "A figure that is not illustrative needs its source" in response.content.decode()
    assert not SpendingFigure.objects.exists()
