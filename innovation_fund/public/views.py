"""The fund's public pages. Thin: the reads are in ``queries.py``."""

from functools import cached_property

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from ..models import Award, FundRound
from . import queries
from .calendars import deadlines_calendar
from .charts import bar_chart
from .filters import AwardFilter
from .money import usd
from .opendata import FIELDS, csv_rows, json_chunks


class FundFigures:
    """The fund's totals and charts: read on first use (five queries), so a page
    whose figures are cached (cnca/fragments.py) reads nothing."""

    @cached_property
    def by_round(self):
        return queries.totals_by_round()

    @cached_property
    def by_theme(self):
        return [entry for entry in queries.totals_by_theme() if entry.projects]

    @cached_property
    def totals(self):
        return queries.fund_totals(self.by_round)

    @cached_property
    def published_totals(self):
        return queries.published_totals()

    @cached_property
    def round_chart(self):
        return bar_chart(
            "Funding by round (US$)",
            [(str(e.round), e.published_total, usd(e.published_total)) for e in self.by_round],
        )

    @cached_property
    def theme_chart(self):
        return bar_chart(
            "Published award amounts by theme (US$)",
            # A theme whose awards' amounts were all unpublished has no sum, not US$0.
            [
                (e.theme.name, e.amount_usd, usd(e.amount_usd) if e.amount_usd else "")
                for e in self.by_theme
            ],
        )


class FundIndexView(TemplateView):
    """What the fund is, the current round, the all-time totals and the rounds.

    One query (the rounds, the current one among them) when the figures are cached.
    """

    template_name = "innovation_fund/public/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        rounds = list(queries.public_rounds())
        current = queries.current_round(now, rounds)
        context.update(
            current_round=current,
            next_deadline=current.next_deadline_at(now) if current else None,
            rounds=rounds,
            figures=FundFigures(),
            now=now,
        )
        return context


class RoundDetailView(DetailView):
    """A round's timeline, its finalists once named, its awards and total."""

    template_name = "innovation_fund/public/round_detail.html"
    context_object_name = "round"
    queryset = FundRound.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fund_round = self.object
        awards = list(queries.award_rows().filter(round=fund_round).order_by("title"))
        context.update(
            awards=awards,
            total=queries.round_total(fund_round, awards),
            finalists=list(queries.public_finalists(fund_round)),
            timeline=fund_round.public_timeline,
            now=timezone.now(),
        )
        return context


class AwardListView(FilterView):
    """Every award, filtered, sorted and paginated; the count and total of the filtered set."""

    filterset_class = AwardFilter
    template_name = "innovation_fund/public/award_list.html"
    context_object_name = "awards"
    paginate_by = 25
    strict = True

    def get_queryset(self):
        return queries.award_rows()

    def get_paginator(self, queryset, per_page, **kwargs):
        # The totals count the filtered set's awards already: the paginator need not.
        self.totals = queries.award_totals(queryset)
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        paginator.count = self.totals.projects
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["totals"] = self.totals
        context["filtered"] = any(
            value for key, value in self.request.GET.items() if key not in ("page", "sort")
        )
        return context


class AwardDetailView(DetailView):
    template_name = "innovation_fund/public/award_detail.html"
    context_object_name = "award"

    def get_object(self, queryset=None):
        try:
            return queries.public_award(self.kwargs["slug"])
        except Award.DoesNotExist:
            raise Http404("No award has this address.") from None


class OpenDataView(TemplateView):
    template_name = "innovation_fund/public/open_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["fields"] = FIELDS
        context["licence"] = settings.OPEN_DATA_LICENCE
        return context


def _filtered_awards(request):
    """The awards the list page would show for this query string, or an error response."""
    filterset = AwardFilter(request.GET, queryset=queries.public_awards(), request=request)
    if not filterset.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items()
        )
        return None, HttpResponseBadRequest(
            f"The filters are not valid: {problems}\n", content_type="text/plain; charset=utf-8"
        )
    return filterset.qs, None


@require_safe
def awards_csv(request):
    awards, error = _filtered_awards(request)
    if error:
        return error
    response = StreamingHttpResponse(csv_rows(awards), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cnca-innovation-fund-awards.csv"'
    return response


@require_safe
def awards_json(request):
    awards, error = _filtered_awards(request)
    if error:
        return error
    meta = {
        "title": "CNCA Innovation Fund awards",
        "licence": settings.OPEN_DATA_LICENCE,
        "fields": settings.SITE_URL + "/innovation-fund/open-data/",
        "generated_at": timezone.now().isoformat(timespec="seconds"),
    }
    return StreamingHttpResponse(
        json_chunks(awards, meta=meta), content_type="application/json; charset=utf-8"
    )


def _calendar_response(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def round_calendar(request, slug):
    fund_round = get_object_or_404(FundRound, slug=slug)
    body = deadlines_calendar([fund_round], name=f"CNCA Innovation Fund: {fund_round}")
    return _calendar_response(body, f"{fund_round.slug}-deadlines.ics")


@require_safe
def all_rounds_calendar(request):
    body = deadlines_calendar(
        FundRound.objects.order_by("call_opens_at", "pk"), name="CNCA Innovation Fund"
    )
    return _calendar_response(body, "cnca-innovation-fund-deadlines.ics")
