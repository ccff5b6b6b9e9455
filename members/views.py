"""Public pages of the member cities."""

from django.utils import timezone
from django.views.generic import DetailView
from django_filters.views import FilterView

from innovation_fund.public.queries import awards_for_city
from news.queries import news_for_city

from .filters import CityFilter
from .models import MemberCity
from .queries import placed_members
from .timeline import commitment_timeline, is_fully_dated
from .worldmap import city_map

# What a map needs of a city: its name, address and place.
MAP_FIELDS = ("name", "slug", "latitude", "longitude")


class CityListView(FilterView):
    """Member cities, filtered and sorted by query string so any view can be linked."""

    filterset_class = CityFilter
    # What a card shows.
    queryset = MemberCity.objects.current().only(
        "name", "slug", "country", "founding_member", "target", "target_year"
    )
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
        # Every matching city with a place, not only this page's: every member's,
        # cached, when nothing narrows or reorders them; else one query.
        filterset = context["filter"]
        valid = not filterset.is_bound or filterset.is_valid()
        if not valid:
            matching = []
        elif not context["filtered"] and not self.request.GET.get("sort"):
            matching = placed_members()
        else:
            matching = filterset.qs.exclude(latitude=None).exclude(longitude=None)
            matching = matching.only(*MAP_FIELDS)
        context["city_map"] = city_map(matching)
        # A name per country, not a translation lookup per card.
        names = dict(filterset.choices["country"])
        for city in context["cities"]:
            city.country_name = names.get(city.country.code) or city.country.name
        context["this_year"] = timezone.localdate().year
        context["page_has_errors"] = bool(filterset.form.errors)
        return context


class CityDetailView(DetailView):
    """A city's commitment as a timeline, its place on the map and its sources."""

    model = MemberCity
    template_name = "members/city_detail.html"
    context_object_name = "city"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        city = self.object
        neighbours = [member for member in placed_members() if member.pk != city.pk]
        context["city_map"] = city_map([*neighbours, city], focus=city)
        timeline = commitment_timeline(city, timezone.localdate().year)
        context["timeline"] = timeline
        # The timeline quotes each dated clause of the target; a target with an
        # undated clause is also shown whole, so nothing of it is lost.
        context["target_in_timeline"] = is_fully_dated(city.target)
        context["city_news"] = news_for_city(city)
        context["city_awards"] = awards_for_city(city)
        return context
