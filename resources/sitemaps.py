from django.contrib.sitemaps import Sitemap

from .queries import public_resources


class ResourceSitemap(Sitemap):
    def items(self):
        return public_resources().only("slug", "updated_at").order_by("pk")

    def lastmod(self, resource):
        return resource.updated_at


SITEMAPS = {"resources": ResourceSitemap}
