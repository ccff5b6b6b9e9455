"""The filters of the public news list: by tag and by year."""

import django_filters

from cnca.widgets import Select

from .models import NewsItem
from .queries import news_years, tags_in_use


def _tag_choices():
    return [(tag.slug, tag.name) for tag in tags_in_use()]


def _year_choices():
    return [(str(year), str(year)) for year in news_years()]


class NewsFilter(django_filters.FilterSet):
    tag = django_filters.ChoiceFilter(
        label="Topic",
        choices=_tag_choices,
        empty_label="Any topic",
        field_name="tags__slug",
        widget=Select,
    )
    year = django_filters.ChoiceFilter(
        label="Year",
        choices=_year_choices,
        empty_label="Any year",
        method="filter_year",
        widget=Select,
    )

    class Meta:
        model = NewsItem
        fields = ["tag", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read the choices once: a callable would be queried again to render the form.
        for name in ("tag", "year"):
            self.filters[name].extra["choices"] = list(self.filters[name].extra["choices"]())

    def filter_year(self, queryset, name, value):
        return queryset.filter(publish_at__year=int(value))
