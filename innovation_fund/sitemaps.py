"""The fund's public pages in the site's sitemap.xml (found by cnca/sitemaps.py)."""

from django.contrib.sitemaps import Sitemap

from .models import Award, FundRound


class RoundSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return FundRound.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, fund_round):
        return fund_round.updated_at


class AwardSitemap(Sitemap):
    """Every award: all of them are public (the pages never list proposals)."""

    changefreq = "monthly"
    priority = 0.5
    limit = 5000

    def items(self):
        return Award.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, award):
        return award.updated_at


SITEMAPS = {"rounds": RoundSitemap, "awards": AwardSitemap}
