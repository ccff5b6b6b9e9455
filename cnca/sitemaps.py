"""``/sitemap.xml``: an index of one sitemap per section, found in each app.

An app lists its public pages by defining ``SITEMAPS = {"<section>": Sitemap}``
in its own ``sitemaps.py`` (members: cities; resources; news: its front page
and items; the Innovation Fund adds ``"rounds"`` and ``"awards"`` the same
way). Nothing here changes when a section is added. Each sitemap's
``items()`` must return only what the public may see.
"""

import functools
from importlib import import_module

from django.apps import apps
from django.contrib.sitemaps import Sitemap
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import module_has_submodule


class PageSitemap(Sitemap):
    """The site's own pages and the section front pages that no app lists itself."""

    PAGES = [
        "cnca:home",
        "cnca:about",
        "cnca:contact",
        "members:city_list",
        "innovation_fund:index",
        "resources:index",
    ]

    def items(self):
        names = []
        for name in self.PAGES:
            try:
                reverse(name)
            except NoReverseMatch:  # a section not wired up (yet)
                continue
            names.append(name)
        return names

    def location(self, name):
        return reverse(name)


@functools.cache
def section_sitemaps():
    """Every section's sitemap class, the site's pages first."""
    found = {"pages": PageSitemap}
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "sitemaps") and app_config.name != "cnca":
            module = import_module(f"{app_config.name}.sitemaps")
            found.update(getattr(module, "SITEMAPS", {}))
    return found
