"""Find every page of the site, so whole-site checks need no list kept by hand.

Three sources, merged:
- the URL conf: every pattern that takes no argument (``/about/``, ``/news/``),
  outside the prefixes that are not pages (admin, media, health, feeds);
- ``/sitemap.xml``, when the site has one;
- links: pages are fetched with Django's test client and the links they hold
  are followed, so a detail page (a city, a news item, an award) is found as a
  visitor finds it. At most ``PER_PATTERN`` pages are kept per URL pattern:
  two city pages test the city template as well as twenty-one would.

A new app's pages are found as soon as they are routed or linked: nobody edits
a list. Only HTML answers with status 200 are pages; anything else (a feed, a
CSV, a redirect) is left out.
"""

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern

PER_PATTERN = 2
MAX_PAGES = 80  # a safety net: the crawl stops here whatever it finds

# Path prefixes that are not public pages (the admin's sign-in is checked on its own).
NOT_PAGES = ("/admin/", "/media/", "/static/", "/healthz", "/robots.txt", "/sitemap")
SIGNED_IN_ONLY = "/account/"
ACCOUNT_PUBLIC = ("/account/login/", "/account/password/reset/")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_in(html):
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def _routes(patterns, prefix=""):
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, RoutePattern):
            text = str(pattern)
            if "<" in text:
                continue
        else:  # a regex pattern: only a plain one (no group) is a single page
            text = pattern.regex.pattern.lstrip("^").rstrip("$").replace("\\Z", "")
            if re.search(r"[()\[\]\\*+?]", text):
                continue
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + text)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + text


def routed_paths():
    """Paths of the URL conf's patterns that take no argument."""
    return sorted(set(_routes(get_resolver().url_patterns)))


def _pattern_of(path):
    try:
        match = get_resolver().resolve(path)
    except Resolver404:
        return None
    return match.route or match.view_name


def _is_candidate(path, *, signed_in):
    if not path.startswith("/") or path.startswith(NOT_PAGES):
        return False
    if path.startswith(SIGNED_IN_ONLY):
        return signed_in or path.startswith(ACCOUNT_PUBLIC)
    # Signed in, any page may be one only members see (an application form);
    # the caller skips the pages already checked as public.
    return True


def _local_path(href):
    href = urldefrag(href)[0]
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    # Query strings are variants of one page (filters, pages of a list).
    return parts.path


def sitemap_paths(client, path="/sitemap.xml", depth=0):
    """The pages a sitemap lists, following a sitemap index into its sitemaps."""
    response = client.get(path)
    if response.status_code != 200 or depth > 1:
        return []
    paths = []
    # Our own sitemap, rendered by the test client: trusted input.
    for element in ET.fromstring(response.content).iter():  # noqa: S314
        if element.tag.endswith("loc") and element.text:
            loc = urlsplit(element.text.strip()).path
            if loc.endswith(".xml"):
                paths += sitemap_paths(client, loc, depth + 1)
            else:
                paths.append(loc)
    return paths


def discover_pages(client, *, start=("/",), signed_in=False, skip=()):
    """Every page ``client`` can reach, by the rules above, in a stable order.

    ``signed_in``: also crawl the account pages (under /account/); ``skip`` holds
    pages not to return again (those already found by a visitor).
    """
    queue = list(start)
    if not signed_in:
        queue += routed_paths() + sitemap_paths(client)
    seen = set()
    # A page of a kind already checked (another city's page) is read, not kept.
    skip_patterns = {_pattern_of(path) for path in skip}
    kept = []
    per_pattern = defaultdict(int)
    while queue and len(kept) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen or not _is_candidate(path, signed_in=signed_in):
            continue
        seen.add(path)
        pattern = _pattern_of(path)
        known = pattern in skip_patterns
        if pattern is None or (not known and per_pattern[pattern] >= PER_PATTERN):
            continue
        response = client.get(path)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith(
            "text/html"
        ):
            continue
        if not known:  # a known kind of page is still read for its links
            per_pattern[pattern] += 1
            kept.append(path)
        for href in links_in(response.content.decode()):
            local = _local_path(href)
            if local and local not in seen:
                queue.append(local)
    return kept
