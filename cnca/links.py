"""The addresses of the pages public lists link to by the dozen: reversed once per process.

``reverse()`` costs about 10 µs (resolver, namespaces, quoting); a city list page
links 70 cities, the cities' sitemap 100. An address of a page named by a slug
depends only on the URL configuration, the script prefix, the URL name and the
slug, which are the memo's key; a changed setting (tests swap URL
configurations) clears it.
"""

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse


def slug_url(viewname, slug):
    """``reverse(viewname, kwargs={"slug": slug})``, remembered."""
    return _reverse(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), viewname, slug)


@functools.lru_cache(maxsize=4096)
def _reverse(urlconf, prefix, viewname, slug):
    # ``prefix`` is the calling thread's script prefix, which reverse() applies.
    return reverse(viewname, urlconf=urlconf, kwargs={"slug": slug})


def _forget(**kwargs):
    _reverse.cache_clear()


setting_changed.connect(_forget, dispatch_uid="cnca.links")
