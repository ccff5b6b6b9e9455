"""The site's URL map: the wiring at the top of the import ladder."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import sections, views
from .media import serve_media

handler403 = "cnca.views.permission_denied"
handler404 = "cnca.views.page_not_found"
handler500 = "cnca.views.server_error"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("contact/", views.ContactView.as_view(), name="contact"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("cities/", include("members.urls")),
    path("innovation-fund/", sections.InnovationFundView.as_view(), name="innovation_fund"),
    path("news/", sections.NewsView.as_view(), name="news"),
    path("news/", include("news.urls")),
    path("resources/", sections.ResourcesView.as_view(), name="resources"),
    path("account/", include("members.account_urls")),
    path("admin/", admin.site.urls),
    # Uploaded files, with headers that keep them from acting as pages (cnca/media.py).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media"),
]
