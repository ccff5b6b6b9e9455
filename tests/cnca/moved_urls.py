"""The site's URLs under /moved/, for tests of what follows the URL configuration."""

from django.urls import include, path

urlpatterns = [path("moved/", include("cnca.urls"))]
