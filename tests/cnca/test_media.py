"""Uploaded files are served so that none can act as a page of the site."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "cities").mkdir()
    return tmp_path


def test_an_image_is_served_inline_in_a_sandbox(client, media):
    (media / "cities" / "oslo.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")

    response = client.get("/media/cities/oslo.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox;")
    assert "attachment" not in response.get("Content-Disposition", "")
    assert b"".join(response.streaming_content) == b"\x89PNG\r\n\x1a\nfake"


@pytest.mark.parametrize("name", ["page.html", "logo.svg", "feed.xml", "no-extension"])
def test_anything_a_browser_could_run_is_a_download(client, media, name):
    (media / "cities" / name).write_text("<script>alert(1)</script>")

    response = client.get(f"/media/cities/{name}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_missing_files_and_paths_outside_media_are_404(client, media):
    (media.parent / "secret.txt").write_text("not for the web")

    assert client.get("/media/cities/nothing.png").status_code == 404
    for climbing in [
        "/media/../secret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/cities/../../secret.txt",
    ]:
        response = client.get(climbing)
        assert response.status_code in (400, 404), climbing
        assert b"not for the web" not in response.content


def test_only_get(client, media):
    (media / "cities" / "oslo.png").write_bytes(b"png")

    assert client.post("/media/cities/oslo.png").status_code == 405


def test_files_outside_the_public_folders_are_not_served(client, media):
    (media / "proposals").mkdir()
    (media / "proposals" / "budget.pdf").write_bytes(b"%PDF-1.7 private")

    response = client.get("/media/proposals/budget.pdf")

    assert response.status_code == 404
    assert b"private" not in response.content
