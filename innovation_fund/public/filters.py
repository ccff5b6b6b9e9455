"""The filters of the public award list, shared by the page and the open data."""

import django_filters
from django import forms
from django.db.models import F, Q

from cnca.fragments import cached_value
from cnca.widgets import Select
from members.models import MemberCity

from ..models import Award, FundRound, Theme


def _choices():
    rounds = FundRound.objects.filter(awards__isnull=False).distinct().order_by("-year", "-pk")
    with_awards = {
        "lead_city": MemberCity.objects.filter(awards_led__isnull=False),
        "partner_city": MemberCity.objects.filter(awards_partnered__isnull=False),
    }
    choices = {
        "round": [(fund_round.slug, str(fund_round)) for fund_round in rounds],
        "theme": list(Theme.objects.values_list("slug", "name")),
    }
    for name, cities in with_awards.items():
        choices[name] = list(cities.distinct().order_by("name").values_list("slug", "name"))
    return choices


def filter_choices():
    """The rounds and member cities that have awards, and the themes: (slug, label)
    pairs for the filters (four queries, then none until the content changes:
    cnca/fragments.py)."""
    return cached_value("award-filter-choices", _choices)


class AwardFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("amount_min"), cleaned.get("amount_max")
        if low is not None and high is not None and low > high:
            self.add_error("amount_max", "The upper amount must be at least the lower amount.")
        return cleaned


class AwardOrdering(django_filters.OrderingFilter):
    """Newest first by default; amounts not published sort last either way."""

    def filter(self, qs, value):
        choice = value[0] if value else "-date"
        if choice in ("amount", "-amount"):
            amount = F("amount_usd")
            primary = (
                amount.desc(nulls_last=True)
                if choice.startswith("-")
                else amount.asc(nulls_last=True)
            )
            return qs.order_by(primary, "title", "pk")
        if choice in ("date", "-date"):
            date = F("announced_on")
            if choice.startswith("-"):
                return qs.order_by(date.desc(nulls_last=True), "-round__year", "title", "pk")
            return qs.order_by(date.asc(nulls_last=True), "round__year", "title", "pk")
        return super().filter(qs, value).order_by(*self._params(value), "pk")

    def _params(self, value):
        return [self.get_ordering_value(param) for param in value if param]


class AwardFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search awards",
        method="filter_text",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text="Words from the title or summary, or a city or partner's name.",
    )
    # Their choices are read in __init__, by slug, from what has awards.
    round = django_filters.ChoiceFilter(
        label="Round",
        field_name="round__slug",
        choices=list,
        empty_label="Any round",
        widget=Select,
    )
    lead_city = django_filters.ChoiceFilter(
        label="Lead city",
        field_name="lead_city__slug",
        choices=list,
        empty_label="Any lead city",
        widget=Select,
    )
    partner_city = django_filters.ChoiceFilter(
        label="Partner city",
        field_name="partner_cities__slug",
        choices=list,
        empty_label="Any partner city",
        widget=Select,
    )
    theme = django_filters.ChoiceFilter(
        label="Themes",
        field_name="themes__slug",
        choices=list,
        empty_label="Any theme",
        widget=Select,
    )
    amount_min = django_filters.NumberFilter(
        label="Amount from (US$)",
        field_name="amount_usd",
        lookup_expr="gte",
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )
    amount_max = django_filters.NumberFilter(
        label="Amount up to (US$)",
        field_name="amount_usd",
        lookup_expr="lte",
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )
    sort = AwardOrdering(
        label="Sort by",
        fields=(("announced_on", "date"), ("amount_usd", "amount"), ("title", "title")),
        choices=[
            ("-date", "Newest first"),
            ("date", "Oldest first"),
            ("-amount", "Largest amount first"),
            ("amount", "Smallest amount first"),
            ("title", "Title (A to Z)"),
            ("-title", "Title (Z to A)"),
        ],
        empty_label=None,
        widget=Select,
    )

    class Meta:
        model = Award
        fields = []
        form = AwardFilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read once for the form's validation and its rendering.
        for name, choices in filter_choices().items():
            self.filters[name].extra["choices"] = choices

    def filter_text(self, queryset, name, value):
        words = value.split()[:10]
        for word in words:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(public_summary__icontains=word)
                | Q(lead_city__name__icontains=word)
                | Q(other_partners__icontains=word)
            )
        return queryset
