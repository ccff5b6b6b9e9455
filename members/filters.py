"""The filters of the public city list."""

import django_filters
from django.db.models import F
from django_countries import countries

from cnca.fragments import cached_value
from cnca.widgets import Select

from .models import MemberCity, Region


def _choices():
    codes = MemberCity.objects.current().order_by().values_list("country", flat=True).distinct()
    years = (
        MemberCity.objects.current()
        .exclude(target_year=None)
        .order_by("target_year")
        .values_list("target_year", flat=True)
        .distinct()
    )
    return {
        "country": sorted(((code, countries.name(code)) for code in codes), key=lambda c: c[1]),
        "target_year": [(year, str(year)) for year in years],
    }


def filter_choices():
    """The countries and target years of the current members, for the filters (two
    queries, then none until a city changes: cnca/fragments.py)."""
    return cached_value("city-filter-choices", _choices)


class CityOrdering(django_filters.OrderingFilter):
    """Sort by name, or by target year with cities without one last."""

    def filter(self, qs, value):
        if value and value[0] in ("target_year", "-target_year"):
            year = F("target_year")
            primary = (
                year.desc(nulls_last=True)
                if value[0].startswith("-")
                else year.asc(nulls_last=True)
            )
            return qs.order_by(primary, "name")
        return super().filter(qs, value)


class CityFilter(django_filters.FilterSet):
    region = django_filters.ChoiceFilter(
        choices=Region.choices, empty_label="Any region", widget=Select
    )
    country = django_filters.ChoiceFilter(choices=list, empty_label="Any country", widget=Select)
    founding_member = django_filters.ChoiceFilter(
        label="Founding member",
        choices=[("true", "Founding members"), ("false", "Later members")],
        empty_label="All members",
        method="filter_founding",
        widget=Select,
    )
    target_year = django_filters.ChoiceFilter(
        label="Target year", choices=list, empty_label="Any year", widget=Select
    )
    sort = CityOrdering(
        label="Sort by",
        fields=(("name", "name"), ("target_year", "target_year")),
        field_labels={"name": "Name", "target_year": "Target year"},
        empty_label=None,
        widget=Select,
    )

    class Meta:
        model = MemberCity
        fields = ["region", "country", "founding_member", "target_year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read once for the form's validation, its rendering and the view.
        self.choices = filter_choices()
        for name, choices in self.choices.items():
            self.filters[name].extra["choices"] = choices

    def filter_founding(self, queryset, name, value):
        return queryset.filter(founding_member=(value == "true"))
