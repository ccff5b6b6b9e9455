"""Sitemap sections of the news, for the site's sitemap.xml (wired in cnca/urls.py)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .queries import public_news


class NewsIndexSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return ["news:index"]

    def location(self, item):
        return reverse(item)


class NewsItemSitemap(Sitemap):
    """Every public item (never a draft or a scheduled one before its time)."""

    changefreq = "monthly"
    priority = 0.5
    limit = 5000

    def items(self):
        return public_news().only("slug", "publish_at", "updated_at")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"news-index": NewsIndexSitemap, "news": NewsItemSitemap}
