"""Public news pages, the staff preview, and the subscription pages."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views.generic import DetailView
from django_filters.views import FilterView

from .filters import NewsFilter
from .models import NewsItem
from .queries import news_item_page, news_list


class NewsListView(FilterView):
    """Public items, newest first, filtered by topic and year (query string, so linkable)."""

    filterset_class = NewsFilter
    template_name = "news/news_list.html"
    context_object_name = "items"
    paginate_by = 20
    # An invalid filter value shows the form's error and no items, not every item.
    strict = True

    def get_queryset(self):
        return news_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filtered"] = any(value for key, value in self.request.GET.items() if key != "page")
        return context


class NewsDetailView(DetailView):
    template_name = "news/news_detail.html"
    context_object_name = "item"

    def get_queryset(self):
        return news_item_page()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        canonical = self.object.get_absolute_url()
        if request.path != canonical:
            # The slug is unique; an old year or month in the address moves to the right one.
            return redirect(canonical, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))


@method_decorator(staff_member_required, name="dispatch")
class NewsPreviewView(DetailView):
    """Any item, whatever its status, as its page will look: for staff, never indexed."""

    template_name = "news/news_detail.html"
    context_object_name = "item"

    def get_object(self, queryset=None):
        if not self.request.user.has_perm("news.view_newsitem"):
            raise Http404("No such news item.")
        return get_object_or_404(
            NewsItem.objects.prefetch_related("tags", "cities"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preview"] = True
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response
