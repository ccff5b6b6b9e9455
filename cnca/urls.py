"""The site's URL map: the wiring at the top of the import ladder.

Every name is namespaced: ``cnca:`` for the site's own pages, then one
namespace per section (``members:``, ``account:``, ``innovation_fund:``,
``news:``, ``resources:``). The navigation marks the current item from the
namespace (cnca/templatetags/navigation.py).
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from . import views
from .contact import views as contact_views
from .media import serve_media
from .search_view import SearchView
from .sitemaps import section_sitemaps

# Staff, the committee and city staff see whose admin this is, not Django's name.
admin.site.site_header = "Carbon Neutral Cities Alliance"
admin.site.site_title = "CNCA admin"
admin.site.index_title = "Portal administration"

handler403 = "cnca.views.permission_denied"
handler404 = "cnca.views.page_not_found"
handler500 = "cnca.views.server_error"

site_patterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("contact/", contact_views.ContactView.as_view(), name="contact"),
    path("contact/thanks/", contact_views.contact_thanks, name="contact_thanks"),
    path("search/", SearchView.as_view(), name="search"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("accessibility/", views.AccessibilityView.as_view(), name="accessibility"),
    path("site-map/", views.SiteMapView.as_view(), name="site_map"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": section_sitemaps(), "sitemap_url_name": "cnca:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": section_sitemaps()},
        name="sitemap_section",
    ),
    # Uploaded files, with headers that keep them from acting as pages (cnca/media.py).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media"),
]


urlpatterns = [
    path("", include((site_patterns, "cnca"))),
    path("cities/", include("members.urls")),
    path("innovation-fund/", include("innovation_fund.urls")),
    path("news/", include("news.urls")),
    path("resources/", include("resources.urls")),
    path("account/", include("members.account_urls")),
    path("admin/", admin.site.urls),
]
