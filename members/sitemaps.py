from django.contrib.sitemaps import Sitemap

from .models import MemberCity


class CitySitemap(Sitemap):
    """Every city page (a former member's page stays public)."""

    def items(self):
        return MemberCity.objects.only("slug").order_by("pk")


SITEMAPS = {"cities": CitySitemap}
