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

    head = client.head("/media/cities/oslo.png")  # require_safe, not require_GET
    assert head.status_code == 200
    assert head["Content-Type"] == "image/png"
    assert head["X-Content-Type-Options"] == "nosniff"


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


def test_only_get_and_head(client, media):
    (media / "cities" / "oslo.png").write_bytes(b"png")

    assert client.post("/media/cities/oslo.png").status_code == 405


def test_files_outside_the_public_folders_are_not_served(client, media):
    (media / "proposals").mkdir()
    (media / "proposals" / "budget.pdf").write_bytes(b"%PDF-1.7 private")

    response = client.get("/media/proposals/budget.pdf")

    assert response.status_code == 404
    assert b"private" not in response.content


@pytest.fixture
def private_upload(media):
    """A private file next to the public folder and one outside MEDIA_ROOT."""
    (media / "private").mkdir()
    (media / "private" / "secret.pdf").write_bytes(b"%PDF-1.7 private budget")
    (media / "proposals").mkdir()
    (media / "proposals" / "plan.pdf").write_bytes(b"%PDF-1.7 private plan")
    return media


@pytest.mark.parametrize(
    "path",
    [
        "/media/cities/%2e%2e/private/secret.pdf",
        "/media/cities/%2E%2E/private/secret.pdf",
        "/media/cities/../private/secret.pdf",
        "/media/cities/../proposals/plan.pdf",
        "/media/cities/..%2fproposals/plan.pdf",
        "/media/cities/..%2Fprivate%2Fsecret.pdf",
        "/media/cities/./../private/secret.pdf",
        "/media/cities//../private/secret.pdf",
        "/media/cities/%2e%2e%2fprivate%2fsecret.pdf",
    ],
)
def test_a_path_that_climbs_out_of_the_public_folder_is_404(client, private_upload, path):
    response = client.get(path)

    assert response.status_code == 404, path
    assert b"private" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_a_symlink_in_the_public_folder_is_not_followed_out(
    client, private_upload, tmp_path_factory
):
    outside = tmp_path_factory.mktemp("outside") / "passwords.txt"
    outside.write_text("root:secret")
    (private_upload / "cities" / "link.png").symlink_to(outside)
    (private_upload / "cities" / "private-link.pdf").symlink_to(
        private_upload / "private" / "secret.pdf"
    )
    (private_upload / "cities" / "folder").symlink_to(private_upload / "private")

    for path in ["link.png", "private-link.pdf", "folder/secret.pdf"]:
        response = client.get(f"/media/cities/{path}")
        assert response.status_code == 404, path


def test_a_symlink_that_stays_in_the_public_folder_is_served(client, media):
    (media / "cities" / "oslo.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    (media / "cities" / "oslo-latest.png").symlink_to(media / "cities" / "oslo.png")

    assert client.get("/media/cities/oslo-latest.png").status_code == 200


def test_a_nul_byte_in_the_path_is_404_not_500(client, media):
    assert client.get("/media/cities/oslo%00.png").status_code == 404
