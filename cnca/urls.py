"""The site's URL map: the wiring at the top of the import ladder.

Every name is namespaced: ``cnca:`` for the site's own pages, then one
namespace per section (``members:``, ``account:``, ``innovation_fund:``,
``news:``, ``resources:``). The navigation marks the current item from the
namespace (cnca/templatetags/navigation.py).
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import sections, views
from .media import serve_media

handler403 = "cnca.views.permission_denied"
handler404 = "cnca.views.page_not_found"
handler500 = "cnca.views.server_error"

site_patterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("contact/", views.ContactView.as_view(), name="contact"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("accessibility/", views.AccessibilityView.as_view(), name="accessibility"),
    path("site-map/", views.SiteMapView.as_view(), name="site_map"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # Uploaded files, with headers that keep them from acting as pages (cnca/media.py).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media"),
]


def section(view, namespace):
    """An interim section page (cnca/sections.py) as ``<namespace>:index``.

    Each app's own issue replaces it with ``include("<app>.urls")``.
    """
    return include(([path("", view.as_view(), name="index")], namespace))


urlpatterns = [
    path("", include((site_patterns, "cnca"))),
    path("cities/", include("members.urls")),
    path("innovation-fund/", section(sections.InnovationFundView, "innovation_fund")),
    path("news/", include("news.urls")),
    path("resources/", section(sections.ResourcesView, "resources")),
    path("account/", include("members.account_urls")),
    path("admin/", admin.site.urls),
]
