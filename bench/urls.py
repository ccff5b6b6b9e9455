"""The site's URLs plus a bare view: the baseline every page is measured against."""

from django.http import HttpResponse
from django.urls import include, path


def bare_view(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("__bench__/bare/", bare_view),
    path("", include("cnca.urls")),
]
