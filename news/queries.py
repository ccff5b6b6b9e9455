"""Reusable reads of news: every public page, feed, sitemap, search and email starts here.

`public_news()` is the one queryset of what the public may see (no draft, no
item scheduled for later): list, item page, feeds, sitemap, search and the
subscriber emails all build on it, so the rule cannot drift between them.
For full-text search an item's words are `title`, `summary` and `body_text`
(the body's plain text, kept in step with the Markdown on every save).
"""

from django.db.models import Prefetch

from innovation_fund.models import Award, FundRound
from members.models import MemberCity

from .models import NewsItem, Tag

# Fields a list or a teaser shows: the body stays in the database.
LIST_FIELDS = (
    "title",
    "slug",
    "status",
    "publish_at",
    "summary",
    "image",
    "image_alt",
    "image_width",
    "image_height",
    "image_renditions",
)


def public_news(now=None):
    """Every item the public may see at ``now`` (default: this instant), newest first."""
    return NewsItem.objects.public(now)


def news_list():
    """Public items for a list page: teaser fields and their tags (one extra query)."""
    return (
        public_news()
        .only(*LIST_FIELDS)
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name", "slug")))
    )


def news_item_page():
    """Public items with what their page shows: tags, related cities and rounds."""
    return public_news().prefetch_related(
        Prefetch("tags", queryset=Tag.objects.only("name", "slug")),
        Prefetch("cities", queryset=MemberCity.objects.only("name", "slug")),
        Prefetch("rounds", queryset=FundRound.objects.only("name", "slug", "year")),
    )


def awards_for_item(item, limit=20):
    """The awards an item tells of: those of its rounds led by one of its cities,
    or every award of its rounds when it names no city (one query)."""
    rounds = [fund_round.pk for fund_round in item.rounds.all()]
    if not rounds:
        return []
    awards = Award.objects.filter(round__in=rounds)
    cities = [city.pk for city in item.cities.all()]
    if cities:
        awards = awards.filter(lead_city__in=cities)
    return list(
        awards.select_related("lead_city", "round")
        .only("title", "slug", "amount_usd", "lead_city__name", "lead_city__slug", "round__name")
        .order_by("round__name", "title")[:limit]
    )


def latest_news(limit=3):
    """The newest public items, for the home page (one query)."""
    return list(public_news().only(*LIST_FIELDS)[:limit])


def news_for_city(city, limit=5):
    """The newest public items about ``city``, for its page (one query)."""
    return list(public_news().filter(cities=city).only(*LIST_FIELDS)[:limit])


def news_years():
    """Years that have public items, newest first (one query)."""
    return [moment.year for moment in public_news().dates("publish_at", "year", order="DESC")]


def tags_in_use():
    """Tags of at least one public item, by name (one query)."""
    return Tag.objects.filter(news_items__in=public_news()).distinct().order_by("name")
