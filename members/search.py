from cnca.search import Hit, SearchProvider, register

from .models import MemberCity


@register
class CitySearch(SearchProvider):
    """Member cities by name, commitment and summary.

    No GIN index: a hundred rows are read faster than any index (docs/decisions/0011).
    """

    key = "cities"
    label = "Cities"
    order = 10
    fields = {"name": "A", "target": "B", "summary": "C"}
    snippet_fields = ("target", "summary")

    def queryset(self):
        # Former members keep their public page, so they are found too.
        return MemberCity.objects.only("name", "slug", "country", "status", "target", "summary")

    def hit(self, city, snippet):
        return Hit(
            title=city.name,
            url=city.get_absolute_url(),
            snippet=snippet,
            meta=f"{city.get_status_display()}, {city.country.name}",
        )
