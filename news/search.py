from django.utils import timezone
from django.utils.dateformat import format as format_date

from cnca.search import Hit, SearchProvider, register

from .queries import public_news


@register
class NewsSearch(SearchProvider):
    """Public news items only: ``public_news()`` is the one rule of what the public sees.

    ``body_text`` is the body's plain text, kept in step with the Markdown on save.
    The GIN index over the same vector: news/migrations/0002_newsitem_search_index.py.
    """

    key = "news"
    label = "News"
    order = 20
    fields = {"title": "A", "summary": "B", "body_text": "C"}
    snippet_fields = ("summary", "body_text")

    def queryset(self):
        return public_news().only("title", "slug", "status", "publish_at", "summary", "body_text")

    def hit(self, item, snippet):
        return Hit(
            title=item.title,
            url=item.get_absolute_url(),
            snippet=snippet,
            meta=f"News, {format_date(timezone.localtime(item.publish_at), 'j F Y')}",
        )
