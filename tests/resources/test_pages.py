"""The public resources pages: the list, a page per resource, downloads."""

import re

import pytest
from django.urls import reverse

from tests.pagetext import html_of
from tests.querycount import queries_of_get

from .factories import PDF_BYTES, ResourceFactory, pdf_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def test_the_list_shows_published_resources_with_their_companions(client):
    framework = ResourceFactory(title="The framework", kind="framework", position=1)
    ResourceFactory(title="Its executive summary", companion_of=framework)
    ResourceFactory(title="A hidden companion", companion_of=framework, is_published=False)
    ResourceFactory(title="A draft report", is_published=False)

    html = html_of(client.get(reverse("resources:index")))

    assert '<a href="/resources/report-' in html
    assert "The framework" in html
    assert "Its executive summary" in html
    assert "A hidden companion" not in html
    assert "A draft report" not in html
    # The companion sits under its main resource, not as a card of its own.
    assert html.count('<h2 class="card-title">') == 1


def test_the_list_needs_the_same_queries_for_5_and_50_resources(client):
    url = reverse("resources:index")
    for _ in range(5):
        ResourceFactory(companion_of=ResourceFactory())
    small = queries_of_get(client, url)
    for _ in range(45):
        ResourceFactory(companion_of=ResourceFactory())
    large = queries_of_get(client, url)

    assert small == large == 2


def test_a_resource_page_shows_its_body_citation_companions_and_download(client):
    framework = ResourceFactory(
        kind="framework",
        title="CNCA Framework",
        body="It focuses on **deep** reductions.",
        published_on="2015-12-01",
        date_precision="month",
        authors="Pete Plastrik",
        source_title="Urban Sustainability Directors Network",
        source_url="https://usdn.org/public/page/100/Deep-Carbon-Reduction-Planning-Framework",
        file=pdf_upload(),
    )
    ResourceFactory(kind="executive_summary", title="Executive summary", companion_of=framework)

    response = client.get(framework.get_absolute_url())
    html = html_of(response)

    assert response.status_code == 200
    assert "<title>CNCA Framework | CNCA</title>" in html
    assert "It focuses on <strong>deep</strong> reductions." in html
    assert '<time datetime="2015-12">December 2015</time>' in html
    assert (
        '<a href="https://usdn.org/public/page/100/Deep-Carbon-Reduction-Planning-Framework">'
        "Urban Sustainability Directors Network</a>" in html
    )
    assert f'href="{framework.get_download_url()}"' in html
    assert "Executive summary" in html


def test_a_companion_links_back_to_its_main_resource(client):
    framework = ResourceFactory(title="CNCA Framework")
    summary = ResourceFactory(title="Executive summary", companion_of=framework)

    html = html_of(client.get(summary.get_absolute_url()))

    assert f'A companion to <a href="{framework.get_absolute_url()}">CNCA Framework</a>' in html


def test_a_draft_is_not_found_by_its_url_nor_its_download(client):
    draft = ResourceFactory(is_published=False, file=pdf_upload())

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(draft.get_download_url()).status_code == 404


def test_the_page_needs_the_same_queries_with_2_and_20_companions(client):
    framework = ResourceFactory()
    ResourceFactory.create_batch(2, companion_of=framework)
    small = queries_of_get(client, framework.get_absolute_url())
    ResourceFactory.create_batch(18, companion_of=framework)
    large = queries_of_get(client, framework.get_absolute_url())

    assert small == large == 2


def test_a_body_cannot_carry_script(client):
    resource = ResourceFactory(
        body='<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n'
        "[click](javascript:alert(3))"
    )

    html = client.get(resource.get_absolute_url()).content.decode()

    assert "alert(1)</script>" not in html
    assert "onerror" not in html
    assert "javascript:" not in html


def test_the_download_is_served_under_the_resources_name_and_cannot_act_as_a_page(client):
    resource = ResourceFactory(slug="cnca-framework", file=pdf_upload("whatever.name"))

    response = client.get(resource.get_download_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="cnca-framework.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox;")
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_stored_files_get_a_random_name_and_stay_out_of_the_public_media(client, media_root):
    resource = ResourceFactory(file=pdf_upload("../../etc/passwd.html"))

    assert re.fullmatch(r"resources/[0-9a-f]{32}\.pdf", resource.file.name)
    assert (media_root / resource.file.name).is_file()
    assert resource.file_type == "application/pdf"
    assert resource.file_size == len(PDF_BYTES)
    # Only the download view serves it: it checks the resource is public.
    assert client.get(f"/media/{resource.file.name}").status_code == 404


def test_a_missing_file_is_a_404_not_a_500(client, media_root):
    resource = ResourceFactory(file=pdf_upload())
    (media_root / resource.file.name).unlink()

    assert client.get(resource.get_download_url()).status_code == 404
