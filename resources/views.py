"""The public resources pages: the list, a page per resource, its download."""

from functools import cached_property

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from cnca.media import uploaded_file_response

from . import queries
from .chart import bar_chart, comparisons_for
from .files import extension_of
from .models import Resource


class ResourceListView(ListView):
    """Every public resource, companions under their main resource (two queries)."""

    template_name = "resources/resource_list.html"
    context_object_name = "resources"

    def get_queryset(self):
        return queries.resource_index()


class Infographic:
    """The infographic's chart, headline figure and comparisons: read on first use (two
    queries), so a page whose infographic is cached (cnca/fragments.py) reads nothing."""

    @cached_property
    def figures(self):
        return queries.spending_figures()

    @cached_property
    def chart(self):
        return bar_chart(self.figures)

    @cached_property
    def headline(self):
        return queries.headline_figure(self.figures)

    @cached_property
    def comparisons(self):
        return comparisons_for(self.headline, queries.spending_comparisons())


class ResourceDetailView(DetailView):
    template_name = "resources/resource_detail.html"
    context_object_name = "resource"

    def get_object(self, queryset=None):
        return get_object_or_404(queries.resource_page(self.kwargs["slug"]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.kind == Resource.Kind.INFOGRAPHIC:
            context["infographic"] = Infographic()
        return context


@require_GET
def download(request, slug):
    """A public resource's file, under the resource's name, never able to act as a page."""
    resource = get_object_or_404(queries.public_resources().exclude(file=""), slug=slug)
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file of this resource is missing.") from None
    return uploaded_file_response(
        handle,
        content_type=resource.file_type or None,
        filename=f"{resource.slug}{extension_of(resource.file_type)}",
    )
