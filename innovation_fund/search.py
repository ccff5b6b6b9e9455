"""The fund's awards in the site search (cnca/search.py finds this module)."""

from cnca.search import Hit, SearchProvider, register

from .models import Award


@register
class AwardSearch(SearchProvider):
    """Awards by title, summary and partners. Every award is public, never a proposal."""

    key = "awards"
    label = "Innovation Fund awards"
    order = 30
    fields = {"title": "A", "public_summary": "B", "other_partners": "C"}
    snippet_fields = ("public_summary", "other_partners")

    def queryset(self):
        return Award.objects.select_related("round", "lead_city").only(
            "title",
            "slug",
            "public_summary",
            "other_partners",
            "round__name",
            "lead_city__name",
        )

    def hit(self, award, snippet):
        return Hit(
            title=award.title,
            url=award.get_absolute_url(),
            snippet=snippet,
            meta=f"{award.round.name} award, led by {award.lead_city.name}",
        )
