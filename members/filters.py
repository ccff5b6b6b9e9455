"""The filters of the public city list."""

import django_filters
from django.db.models import F
from django_countries import countries

from .models import MemberCity, Region


def _countries_with_members():
    codes = MemberCity.objects.current().order_by().values_list("country", flat=True).distinct()
    return sorted(((code, countries.name(code)) for code in codes), key=lambda pair: pair[1])


def _target_years():
    years = (
        MemberCity.objects.current()
        .exclude(target_year=None)
        .order_by("target_year")
        .values_list("target_year", flat=True)
        .distinct()
    )
    return [(year, str(year)) for year in years]


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
    region = django_filters.ChoiceFilter(choices=Region.choices, empty_label="Any region")
    country = django_filters.ChoiceFilter(
        choices=_countries_with_members, empty_label="Any country"
    )
    founding_member = django_filters.ChoiceFilter(
        label="Founding member",
        choices=[("true", "Founding members"), ("false", "Later members")],
        empty_label="All members",
        method="filter_founding",
    )
    target_year = django_filters.ChoiceFilter(
        label="Target year", choices=_target_years, empty_label="Any year"
    )
    sort = CityOrdering(
        label="Sort by",
        fields=(("name", "name"), ("target_year", "target_year")),
        field_labels={"name": "Name", "target_year": "Target year"},
        empty_label=None,
    )

    class Meta:
        model = MemberCity
        fields = ["region", "country", "founding_member", "target_year"]

    def filter_founding(self, queryset, name, value):
        return queryset.filter(founding_member=(value == "true"))
