"""What public pages keep in the cache because it is the same for every visitor.

A part of a page that depends only on content (never on the visitor, the time or the
query string) is kept rendered with ``{% public_fragment "name" %}`` (``{% load cnca %}``),
and a value several pages read with :func:`cached_value`. Every name is listed in
``NAMES``: the tag and the function refuse any other, so nothing cached can be missed by
:func:`forget_public_fragments`, which forgets them all at once.

They are forgotten whenever a row of a model public pages show is saved or deleted, or
its many-to-many links change (each app lists its models with :func:`forget_on_change`).
Such edits are rare (staff in the admin, the content loader), so one rule for all is
worth more than tracking which page shows what. Writes that send no signal
(``QuerySet.update``, ``bulk_create``) call :func:`forget_public_fragments` themselves;
the cache's timeout bounds what a missed one costs. A release starts afresh: the keys
carry the static manifest's hash, and ``load_cnca_content`` (run on each release)
forgets every part. With the cache down every page renders everything from the
database (cnca/cache.py); this module imports no app.
"""

import functools

from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

from .servicekit import on_commit_once

# name -> what it holds (and which template or function uses it)
NAMES = {
    "site-footer": "the footer of every page: links, staff, partners, funders (base.html)",
    "home-cities": "the home page's member cities: figures, map and list (cnca/home.html)",
    "fund-figures": "the fund's totals and charts (innovation_fund/public/index.html)",
    "infographic": "the spending infographic's chart, table and comparisons "
    "(resources/_infographic.html)",
    "placed-members": "the current members with a place on the map (members/queries.py)",
    "city-filter-choices": "the countries and target years of the city list's filters",
    "award-filter-choices": "the rounds, cities and themes of the award list's filters",
}


def cache_key(name):
    if name not in NAMES:
        raise KeyError(f"{name!r} is not a public fragment: add it to cnca.fragments.NAMES.")
    return f"public-fragment:{_release()}:{name}"


@functools.cache
def _release():
    # Rendered parts name static files by their hashed names (production): a
    # release with other static files must not serve parts that point at the
    # previous release's. The manifest's hash changes with any static file.
    return getattr(staticfiles_storage, "manifest_hash", None) or "-"


def cached_value(name, compute):
    """The value kept under ``name``, or ``compute()`` (then kept for the cache's timeout).

    ``compute`` must return what is the same for every visitor, and not None.
    """
    key = cache_key(name)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value)
    return value


def forget_public_fragments():
    cache.delete_many([cache_key(name) for name in NAMES])


def _changed(**kwargs):
    forget_public_fragments()
    # Again after the commit (once, however many rows changed): a page rendered
    # from the old rows while the transaction was open may have put its copy back.
    on_commit_once("forget-public-fragments", forget_public_fragments, robust=True)


def forget_on_change(*models):
    """Forget every fragment when a row of ``models`` is saved or deleted.

    List a many-to-many relation's ``through`` model too (``Award.themes.through``):
    its links being added, removed or cleared then count as well.
    """
    for model in models:
        uid = f"public-fragments:{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(_changed, sender=model, dispatch_uid=uid, weak=False)
        m2m_changed.connect(_m2m_changed, sender=model, dispatch_uid=uid, weak=False)


def _m2m_changed(action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        _changed()
