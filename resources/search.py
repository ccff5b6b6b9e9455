from cnca.search import Hit, SearchProvider, register

from .models import Resource
from .queries import public_resources


@register
class ResourceSearch(SearchProvider):
    key = "resources"
    label = "Resources"
    order = 40
    fields = Resource.SEARCH_FIELDS
    snippet_fields = ("summary", "body")

    def queryset(self):
        return public_resources().only(
            "title", "slug", "kind", "summary", "body", "published_on", "date_precision"
        )

    def hit(self, resource, snippet):
        return Hit(
            title=resource.title,
            url=resource.get_absolute_url(),
            snippet=snippet,
            meta=", ".join(filter(None, [resource.get_kind_display(), resource.released_label])),
        )
