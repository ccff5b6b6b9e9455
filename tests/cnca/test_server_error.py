"""The 500 page renders even in production settings with no collected static files."""

import pytest
from django.urls import include, path

from cnca import views


def broken_view(request):
    raise RuntimeError("a fault in a view")


# This module is the URL map of its tests: the site's own, plus a view that fails.
handler500 = "cnca.views.server_error"
urlpatterns = [path("broken/", broken_view), path("", include("cnca.urls"))]

PRODUCTION_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture
def no_collected_static(settings, tmp_path):
    """As after a deploy that forgot collectstatic: manifest storage, an empty STATIC_ROOT."""
    settings.DEBUG = False
    settings.STORAGES = PRODUCTION_STATIC
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.WHITENOISE_USE_FINDERS = False


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_fault_shows_the_500_page_without_collected_static_files(client, no_collected_static):
    client.raise_request_exception = False

    response = client.get("/broken/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Something went wrong on our side</h1>" in html
    assert "<main>" in html
    assert 'href="/"' in html


def test_the_handler_falls_back_when_its_template_cannot_render(rf, no_collected_static):
    response = views.server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
