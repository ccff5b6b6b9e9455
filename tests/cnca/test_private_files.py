"""serve_private_file: the one download path for private uploads (attachments)."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.test import RequestFactory

from cnca.private_files import serve_private_file


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_FILES_ACCEL_PREFIX = ""
    (tmp_path / "media" / "proposals" / "7").mkdir(parents=True)
    (tmp_path / "media" / "proposals" / "7" / "budget.html").write_text(
        "<script>alert(document.cookie)</script>"
    )
    (tmp_path / "secret.txt").write_text("outside the media root")
    return tmp_path / "media"


@pytest.fixture
def request_():
    return RequestFactory().get("/innovation-fund/attachments/1/")


def body(response):
    return b"".join(response.streaming_content)


def test_an_allowed_reader_gets_a_sandboxed_download(media, request_):
    response = serve_private_file(
        request_, "proposals/7/budget.html", filename="Budget 2026.html", allowed=True
    )

    assert response.status_code == 200
    assert body(response) == b"<script>alert(document.cookie)</script>"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="Budget 2026.html"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox;")
    assert response["Cache-Control"] == "private, no-store"
    assert "X-Accel-Redirect" not in response


def test_a_field_file_is_accepted(media, request_):
    field_file = type("FieldFile", (), {"name": "proposals/7/budget.html"})()

    response = serve_private_file(request_, field_file, filename="b.html", allowed=True)

    assert response.status_code == 200


def test_a_refused_reader_gets_404_like_a_missing_file(media, request_):
    with pytest.raises(Http404):
        serve_private_file(request_, "proposals/7/budget.html", filename="b.html", allowed=False)
    with pytest.raises(Http404):
        serve_private_file(request_, "proposals/7/nothing.pdf", filename="b.pdf", allowed=True)
    with pytest.raises(Http404):
        serve_private_file(request_, "", filename="b.pdf", allowed=True)


@pytest.mark.parametrize(
    "name",
    [
        "../secret.txt",
        "proposals/../../secret.txt",
        "proposals/7/../../../secret.txt",
        "/etc/hostname",
    ],
)
def test_a_name_that_climbs_out_of_the_media_root_is_refused(media, request_, name):
    with pytest.raises(Http404):
        serve_private_file(request_, name, filename="x.txt", allowed=True)


def test_a_symlink_out_of_the_media_root_is_refused(media, request_):
    (media / "proposals" / "7" / "link.pdf").symlink_to(media.parent / "secret.txt")

    with pytest.raises(Http404):
        serve_private_file(request_, "proposals/7/link.pdf", filename="x.pdf", allowed=True)


def test_x_accel_redirect_mode_hands_the_checked_path_to_the_front_server(
    media, request_, settings
):
    settings.PRIVATE_FILES_ACCEL_PREFIX = "/_private/"
    (media / "proposals" / "7" / "plan d'été.pdf").write_bytes(b"%PDF-1.7")

    response = serve_private_file(
        request_, "proposals/7/plan d'été.pdf", filename="Plan d'été.pdf", allowed=True
    )

    assert response.status_code == 200
    assert response.content == b""  # nginx sends the bytes
    assert response["X-Accel-Redirect"] == "/_private/proposals/7/plan%20d%27%C3%A9t%C3%A9.pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Plan%20d%27%C3%A9t%C3%A9.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox;")
    assert response["Cache-Control"] == "private, no-store"


def test_x_accel_redirect_mode_still_refuses_traversal_and_refusals(media, request_, settings):
    settings.PRIVATE_FILES_ACCEL_PREFIX = "/_private/"

    for name, allowed in [("../secret.txt", True), ("proposals/7/budget.html", False)]:
        with pytest.raises(Http404):
            serve_private_file(request_, name, filename="x", allowed=allowed)


def test_a_file_saved_through_the_storage_is_served(media, request_):
    name = default_storage.save("proposals/8/letter.pdf", ContentFile(b"%PDF-1.7 letter"))

    response = serve_private_file(request_, name, filename="letter.pdf", allowed=True)

    assert body(response) == b"%PDF-1.7 letter"
