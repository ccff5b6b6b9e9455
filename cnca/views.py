"""The site's own pages: home, about, contact, errors, health and robots."""

import logging

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from members.models import MemberCity
from members.queries import CurrentMembers
from news.queries import latest_news

from .content import alliance_facts, innovation_fund_summary
from .health import run_checks

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    """The alliance's mission, its member cities and the latest news.

    One query (the news) when the cities' part is cached, two when not.
    """

    template_name = "cnca/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            facts=alliance_facts(),
            fund_summary=innovation_fund_summary(),
            members=CurrentMembers(),
            latest_news=latest_news(3),
        )
        return context


class AllianceFactsView(TemplateView):
    """A page that shows the alliance's facts (from the project's data file) as ``facts``."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["facts"] = alliance_facts()
        return context


class AboutView(AllianceFactsView):
    """Membership criteria, governance and how a city joins."""

    template_name = "cnca/about.html"


class PrivacyView(TemplateView):
    template_name = "cnca/privacy.html"


class AccessibilityView(TemplateView):
    template_name = "cnca/accessibility.html"


def _links(*pairs):
    """(label, URL name) pairs as links, leaving out names no app provides yet."""
    links = []
    for label, name in pairs:
        try:
            links.append({"label": label, "url": reverse(name)})
        except NoReverseMatch:
            continue
    return links


class SiteMapView(TemplateView):
    """Every part of the site on one page, for people (sitemap.xml is for crawlers)."""

    template_name = "cnca/site_map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cities = MemberCity.objects.current().only("name", "slug")
        context["groups"] = [
            {
                "title": "The alliance",
                "links": _links(
                    ("Home", "cnca:home"),
                    ("About the alliance", "cnca:about"),
                    ("Contact the alliance", "cnca:contact"),
                ),
            },
            {
                "title": "Its work",
                "links": _links(
                    ("Innovation Fund", "innovation_fund:index"),
                    ("News", "news:index"),
                    ("Resources", "resources:index"),
                    ("Search", "cnca:search"),
                ),
            },
            {
                "title": "Member cities",
                "links": _links(("All member cities", "members:city_list"))
                + [{"label": city.name, "url": city.get_absolute_url()} for city in cities],
            },
            {
                "title": "For member cities and the committee",
                "links": _links(("Sign in", "account:login")),
            },
            {
                "title": "This site",
                "links": _links(
                    ("Privacy notice", "cnca:privacy"),
                    ("Accessibility statement", "cnca:accessibility"),
                    ("Site map", "cnca:site_map"),
                ),
            },
        ]
        return context


# Error pages in the site's own templates (templates/cnca/). Wired up in
# cnca/urls.py as handler403/handler404/handler500 = "cnca.views.<name>", and
# csrf_failure in settings as CSRF_FAILURE_VIEW = "cnca.views.csrf_failure".


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "cnca/404.html", status=404)


@requires_csrf_token
def permission_denied(request, exception=None):
    return render(request, "cnca/403.html", status=403)


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token: usually an old tab or blocked cookies."""
    return render(request, "cnca/403_csrf.html", status=403)


@requires_csrf_token
def server_error(request):
    # No request context: the database or a context processor may be what failed.
    try:
        html = loader.get_template("cnca/500.html").render()
    except Exception:
        # The site's own error page failed too (static files not collected, a
        # broken template): a plain page that needs nothing, not Django's bare text.
        logger.exception("The 500 page could not be rendered; sent the plain one")
        html = loader.get_template("cnca/500_plain.html").render()
    return HttpResponse(html, status=500)


def may_see_health_details(request):
    """Backend and exception names help an attacker; only staff or the token holder see them."""
    token = settings.HEALTHZ_TOKEN
    if token and constant_time_compare(request.headers.get("X-Healthz-Token", ""), token):
        return True
    return request.user.is_staff


@never_cache
@require_safe
def healthz(request):
    """The state of the database, cache and broker: 200 when all that is configured answers."""
    healthy, checks = run_checks()
    if not may_see_health_details(request):
        checks = {name: {"state": check["state"]} for name, check in checks.items()}
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /account/",
        # Result pages are endless and say nothing the sitemap does not list.
        "Disallow: /search/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('cnca:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain")
