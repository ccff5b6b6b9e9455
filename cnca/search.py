"""Site-wide search: one provider per section, and the full-text helpers they share.

An app takes part by defining providers in its own ``search.py`` and decorating
them with :func:`register`; the search page (cnca/search_view.py) finds every
installed app's ``search`` module, so a new section (the fund's awards) plugs in
without touching the page. This module imports no app.

On PostgreSQL a provider's public queryset is matched with full-text search:
``websearch_to_tsquery`` (which accepts anything a person types, quotes and
``-`` included, and never raises a syntax error), a weighted vector ranked with
``ts_rank``, a GIN index over the same expression (docs/decisions/0011), and a
``ts_headline`` snippet. On SQLite, the quick start's database, every word of
the query must appear (``icontains``) in one of the fields, and the snippet is
cut in Python. Either way the snippet is escaped here and only our own
``<mark>`` tags are added back.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, TextField, Value, When, Window
from django.db.models.functions import Coalesce, Concat
from django.utils.html import escape
from django.utils.module_loading import autodiscover_modules
from django.utils.safestring import mark_safe

CONFIG = "english"
MAX_QUERY_LENGTH = 200
MAX_WORDS = 12  # the SQLite fallback ANDs one condition per word
SNIPPET_WORDS = 30

# ts_headline marks matches with these; no editor types private-use characters,
# so after escaping the text they are the only places a <mark> goes.
_MARK_START = "\ue000"
_MARK_END = "\ue001"

_registry = []


def register(provider_class):
    """Class decorator: add a provider to the site search (``@register``)."""
    _registry.append(provider_class())
    return provider_class


@functools.cache
def _discover():
    autodiscover_modules("search")


def providers():
    """Every registered provider, in the order their sections are shown."""
    _discover()
    return sorted(_registry, key=lambda provider: (provider.order, provider.key))


# --- The query ------------------------------------------------------------------


@dataclass(frozen=True)
class CleanQuery:
    text: str
    shortened: bool = False

    def __bool__(self):
        return bool(self.text)


def clean_query(raw):
    """What is searched for: control characters (NUL included) become spaces,
    whitespace is collapsed, and the text is cut at ``MAX_QUERY_LENGTH``."""
    text = "".join(
        " " if unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs") else char
        for char in raw or ""
    )
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        return CleanQuery(text[:MAX_QUERY_LENGTH].rstrip(), shortened=True)
    return CleanQuery(text)


def _words(text):
    words = [word.strip("\"'") for word in text.split()]
    return [word for word in words if word][:MAX_WORDS]


# --- Matching -------------------------------------------------------------------


def weighted_vector(fields):
    """The search vector of ``{field: weight}``; the GIN indexes use the same expression."""
    vectors = [SearchVector(name, weight=weight, config=CONFIG) for name, weight in fields.items()]
    return functools.reduce(lambda left, right: left + right, vectors)


def _postgres_match(queryset, query, fields, snippet_fields):
    search_query = SearchQuery(query, search_type="websearch", config=CONFIG)
    vector = weighted_vector(fields)
    return (
        queryset.alias(search_vector=vector)
        .filter(search_vector=search_query)
        .annotate(
            search_rank=SearchRank(vector, search_query),
            search_snippet=SearchHeadline(
                _joined(snippet_fields),
                search_query,
                config=CONFIG,
                start_sel=_MARK_START,
                stop_sel=_MARK_END,
                max_words=SNIPPET_WORDS,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-search_rank", "-pk")
    )


def _joined(fields):
    parts = []
    for name in fields:
        if parts:
            parts.append(Value(" "))
        parts.append(Coalesce(name, Value(""), output_field=TextField()))
    return Concat(*parts, output_field=TextField()) if len(parts) > 1 else parts[0]


def _fallback_match(queryset, query, fields, snippet_fields):
    words = _words(query)
    if not words:
        return queryset.none()
    for word in words:
        queryset = queryset.filter(
            functools.reduce(
                lambda left, right: left | right,
                (Q(**{f"{name}__icontains": word}) for name in fields),
            )
        )
    title_field = next(iter(fields))
    return queryset.annotate(
        search_rank=Case(
            When(**{f"{title_field}__icontains": query}, then=Value(3)),
            When(**{f"{title_field}__icontains": words[0]}, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        search_snippet=_joined(snippet_fields),
    ).order_by("-search_rank", "-pk")


def uses_full_text():
    return connection.vendor == "postgresql"


def match(queryset, query, fields, snippet_fields):
    """``queryset`` narrowed to ``query``, best first, each row with ``search_snippet``."""
    if uses_full_text():
        return _postgres_match(queryset, query, fields, snippet_fields)
    return _fallback_match(queryset, query, fields, snippet_fields)


# --- Snippets -------------------------------------------------------------------

_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_MARKS = re.compile(r"(^|\s)[#>]+\s|[*_`]{1,3}")


def _plain(text):
    """Markdown source read as words: link targets and emphasis marks dropped."""
    return _MARKDOWN_MARKS.sub(r"\1", _MARKDOWN_LINK.sub(r"\1", text))


def _cut_around(text, query):
    """The fallback's snippet: words around the first match, matches marked."""
    words_of_text = text.split()
    terms = [word.lower() for word in _words(query)]
    first = next(
        (i for i, word in enumerate(words_of_text) if any(t in word.lower() for t in terms)), 0
    )
    start = max(0, first - SNIPPET_WORDS // 3)
    window = words_of_text[start : start + SNIPPET_WORDS]
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE) if terms else None
    marked = " ".join(window)
    if pattern:
        marked = pattern.sub(lambda m: f"{_MARK_START}{m.group(0)}{_MARK_END}", marked)
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_WORDS < len(words_of_text) else ""
    return prefix + marked + suffix


def snippet_html(raw, query):
    """A safe HTML snippet: the text escaped, the matches in ``<mark>``."""
    text = _plain(raw or "")
    if not uses_full_text():
        text = _cut_around(" ".join(text.split()), query)
    escaped = str(escape(text))
    escaped = escaped.replace(_MARK_START, "<mark>").replace(_MARK_END, "</mark>")
    # A match cut at a fragment's edge leaves a tag open: close what is open.
    if escaped.count("<mark>") > escaped.count("</mark>"):
        escaped += "</mark>"
    return mark_safe(escaped)  # noqa: S308 (escaped above; only our <mark> tags added)


# --- Providers ------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    snippet: str
    meta: str = ""


class SearchProvider:
    """One section of the search page. Subclass, fill in, decorate with ``@register``.

    ``fields`` maps the model's text fields to their weight (A is the highest);
    ``snippet_fields`` are the text a snippet is cut from. ``queryset()`` must
    return only what the public may see: it is the only source of hits.
    """

    key = ""  # the ?section= value
    label = ""  # the section's heading
    order = 100
    fields = {}
    snippet_fields = ()

    def queryset(self):
        raise NotImplementedError

    def hit(self, obj, snippet):
        """The :class:`Hit` for one matched object."""
        raise NotImplementedError

    def search(self, query):
        """Matches for ``query``, best first (a lazy queryset: slice it)."""
        return match(self.queryset(), query, self.fields, self.snippet_fields)

    def best(self, query, limit):
        """How many match ``query``, and the ``limit`` best as hits (one query).

        The count comes with each row (a window over every match), so a section costs
        one query, planned once, not a count and then its rows; PostgreSQL still writes
        snippets for the returned rows only.
        """
        rows = list(self.search(query).annotate(search_total=Window(Count("*")))[:limit])
        return (rows[0].search_total if rows else 0), self.hits(rows, query)

    def hits(self, objects, query):
        return [self.hit(obj, snippet_html(obj.search_snippet, query)) for obj in objects]
