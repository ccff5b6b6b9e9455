"""The site search page: ``/search/?q=`` across every registered provider.

With no ``section`` the page shows each section's best few hits and its count
(one query a section); ``?section=news`` pages through one section alone (two).
Whatever is typed, the answer is a page: an empty query asks for words, a long
one is shortened and says so, and odd characters are only searched for.
"""

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from .search import clean_query, providers

OVERVIEW_HITS = 5
PAGE_SIZE = 20


class SearchView(TemplateView):
    template_name = "cnca/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = clean_query(self.request.GET.get("q", ""))
        sections = {provider.key: provider for provider in providers()}
        section = sections.get(self.request.GET.get("section", ""))
        context.update(query=query, sections=list(sections.values()), section=section)
        if not query:
            return context
        if section is not None:
            page = Paginator(section.search(query.text), PAGE_SIZE).get_page(
                self.request.GET.get("page")
            )
            context.update(
                page_obj=page,
                hits=section.hits(page.object_list, query.text),
                total=page.paginator.count,
            )
        else:
            results = []
            for provider in sections.values():
                total, hits = provider.best(query.text, OVERVIEW_HITS)
                results.append({"provider": provider, "total": total, "hits": hits})
            context.update(results=results, total=sum(r["total"] for r in results))
        return context
