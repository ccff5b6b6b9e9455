"""The filters of the public award list, shared by the page and the open data."""

import django_filters
from django import forms
from django.db.models import F, Q

from members.models import MemberCity

from ..models import Award, FundRound, Theme


def _rounds_with_awards(request):
    return FundRound.objects.filter(awards__isnull=False).distinct().order_by("-year", "-pk")


def _lead_cities(request):
    return MemberCity.objects.filter(awards_led__isnull=False).distinct().order_by("name")


def _partner_cities(request):
    return MemberCity.objects.filter(awards_partnered__isnull=False).distinct().order_by("name")


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
    round = django_filters.ModelChoiceFilter(
        queryset=_rounds_with_awards,
        to_field_name="slug",
        empty_label="Any round",
    )
    lead_city = django_filters.ModelChoiceFilter(
        label="Lead city",
        queryset=_lead_cities,
        to_field_name="slug",
        empty_label="Any lead city",
    )
    partner_city = django_filters.ModelChoiceFilter(
        label="Partner city",
        field_name="partner_cities",
        queryset=_partner_cities,
        to_field_name="slug",
        empty_label="Any partner city",
    )
    theme = django_filters.ModelChoiceFilter(
        field_name="themes",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        empty_label="Any theme",
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
    )

    class Meta:
        model = Award
        fields = []
        form = AwardFilterForm

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
