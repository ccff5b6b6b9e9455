"""Public pages of the member cities."""

from django.views.generic import DetailView
from django_filters.views import FilterView

from innovation_fund.public.queries import awards_for_city
from news.queries import news_for_city

from .filters import CityFilter
from .models import MemberCity


class CityListView(FilterView):
    """Member cities, filtered and sorted by query string so any view can be linked."""

    filterset_class = CityFilter
    queryset = MemberCity.objects.current()
    template_name = "members/city_list.html"
    context_object_name = "cities"
    paginate_by = 48
    # An invalid filter value shows the form's error and no cities, not every city.
    strict = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filtered"] = any(
            value for key, value in self.request.GET.items() if key not in ("page", "sort")
        )
        return context


class CityDetailView(DetailView):
    model = MemberCity
    template_name = "members/city_detail.html"
    context_object_name = "city"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["city_news"] = news_for_city(self.object)
        context["city_awards"] = awards_for_city(self.object)
        return context
