"""The reads behind the fund's public pages. Every one is a bounded number of queries."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone

from members.models import MemberCity

from ..models import Award, FundRound, Proposal, Theme
from .models import PublishedTotal

# A proposal in one of these states was named a finalist (the decision was released).
FINALIST_STATES = (
    Proposal.Status.FINALIST,
    Proposal.Status.FULL_SUBMITTED,
    Proposal.Status.AWARDED,
    Proposal.Status.NOT_FUNDED,
)


def public_awards():
    """Every award with what a list shows of it: round, cities, themes (4 queries)."""
    return Award.objects.select_related("round", "lead_city").prefetch_related(
        Prefetch("partner_cities", queryset=MemberCity.objects.only("name", "slug")),
        Prefetch("themes", queryset=Theme.objects.only("name", "slug")),
    )


def award_rows():
    """Awards as a table shows them: title, amount, round, lead city, partners
    (two queries); the themes and summaries stay in the database."""
    return (
        Award.objects.select_related("round", "lead_city")
        .only(
            "title",
            "slug",
            "amount_usd",
            "other_partners",
            "round__name",
            "round__slug",
            "lead_city__name",
            "lead_city__slug",
        )
        .prefetch_related(
            Prefetch("partner_cities", queryset=MemberCity.objects.only("name", "slug"))
        )
    )


def public_award(slug):
    """One award for its page, with its links (raises Award.DoesNotExist)."""
    return public_awards().prefetch_related("outcome_links").get(slug=slug)


def public_rounds():
    """Rounds the public sees: every round (a demonstration says so on its page)."""
    return FundRound.objects.all()


def current_round(now=None, rounds=None):
    """The round taking letters of intent now, else the next one to open, else None.

    Historical rounds never are; a demonstration round is only when no real
    round is open or coming. ``rounds``: every round, when the caller has read
    them already (no query then; one otherwise).
    """
    now = now or timezone.now()
    if rounds is None:
        rounds = FundRound.objects.filter(is_historical=False).exclude(loi_deadline=None)
    live = [r for r in rounds if not r.is_historical and r.loi_deadline and r.call_opens_at]
    for demo in (False, True):
        candidates = [r for r in live if r.is_demo == demo]
        open_now = [r for r in candidates if r.call_opens_at <= now < r.loi_deadline]
        if open_now:
            return min(open_now, key=lambda r: (r.loi_deadline, r.pk))
        upcoming = [r for r in candidates if r.call_opens_at > now]
        if upcoming:
            return min(upcoming, key=lambda r: (r.call_opens_at, r.pk))
    return None


def public_finalists(fund_round):
    """The round's finalists, once named: title and cities only."""
    return (
        Proposal.objects.filter(round=fund_round, status__in=FINALIST_STATES)
        .select_related("lead_city")
        .prefetch_related(
            Prefetch("partner_cities", queryset=MemberCity.objects.only("name", "slug"))
        )
        .only("title", "round_id", "lead_city__name", "lead_city__slug")
        .order_by("lead_city__name", "title")
    )


@dataclass
class Totals:
    """Sums over a set of awards. ``amount_usd`` counts published amounts only."""

    projects: int = 0
    amount_usd: Decimal = Decimal(0)
    unpublished: int = 0
    co_funding_usd: Decimal | None = None

    @property
    def complete(self):
        """True when every award's amount was published, so the sum is the whole."""
        return self.unpublished == 0


def award_totals(awards):
    """Projects, the published amounts' sum and the awards without one (one query)."""
    row = awards.order_by().aggregate(
        projects=Count("pk"),
        amount=Sum("amount_usd"),
        unpublished=Count("pk", filter=Q(amount_usd=None)),
        co_funding=Sum("co_funding_usd"),
    )
    return Totals(
        projects=row["projects"],
        amount_usd=row["amount"] or Decimal(0),
        unpublished=row["unpublished"],
        co_funding_usd=row["co_funding"],
    )


@dataclass
class RoundTotal:
    round: FundRound
    projects: int
    amount_usd: Decimal
    unpublished: int

    @property
    def published_total(self):
        """The round's total: the record's own figure where amounts are missing."""
        if self.unpublished and self.round.awarded_total_usd:
            return self.round.awarded_total_usd
        return self.amount_usd

    @property
    def complete(self):
        """True when ``published_total`` is the round's whole total."""
        return not self.unpublished or bool(self.round.awarded_total_usd)


def round_total(fund_round, awards):
    """The total of a round whose awards are loaded already (no query)."""
    known = [award.amount_usd for award in awards if award.amount_usd is not None]
    return RoundTotal(
        round=fund_round,
        projects=len(awards),
        amount_usd=sum(known, Decimal(0)),
        unpublished=len(awards) - len(known),
    )


def _award_sums():
    """Annotations of a round or theme: its awards, their published sum, the unpublished."""
    return {
        "award_count": Count("awards"),
        "award_amount": Sum("awards__amount_usd"),
        "award_unpublished": Count("awards", filter=Q(awards__amount_usd=None)),
    }


def totals_by_round():
    """Each round that has awards, newest first, with its total (one query)."""
    rounds = (
        FundRound.objects.annotate(**_award_sums())
        .filter(award_count__gt=0)
        .order_by("-year", "-pk")
    )
    return [
        RoundTotal(
            round=fund_round,
            projects=fund_round.award_count,
            amount_usd=fund_round.award_amount or Decimal(0),
            unpublished=fund_round.award_unpublished,
        )
        for fund_round in rounds
    ]


@dataclass
class ThemeTotal(Totals):
    theme: Theme | None = None


def totals_by_theme():
    """Each theme with its projects and published amounts (one query)."""
    themes = Theme.objects.annotate(**_award_sums()).order_by("position", "pk")
    return [
        ThemeTotal(
            theme=theme,
            projects=theme.award_count,
            amount_usd=theme.award_amount or Decimal(0),
            unpublished=theme.award_unpublished,
        )
        for theme in themes
    ]


@dataclass
class FundTotals:
    """All-time figures added up from the award records."""

    amount_usd: Decimal
    complete: bool
    projects: int
    cities: int
    co_funding_usd: Decimal | None


def fund_totals(by_round=None):
    """Amount awarded (rounds' published totals where amounts are missing), projects,
    member cities involved as lead or partner, co-funding where recorded (3 queries,
    2 when given ``totals_by_round()``)."""
    if by_round is None:
        by_round = totals_by_round()
    overall = award_totals(Award.objects.all())
    cities = (
        MemberCity.objects.filter(Q(awards_led__isnull=False) | Q(awards_partnered__isnull=False))
        .distinct()
        .count()
    )
    return FundTotals(
        amount_usd=sum((entry.published_total for entry in by_round), Decimal(0)),
        complete=all(entry.complete for entry in by_round),
        projects=overall.projects,
        cities=cities,
        co_funding_usd=overall.co_funding_usd,
    )


def published_totals():
    return list(PublishedTotal.objects.all())


def awards_for_city(city):
    """The awards ``city`` led and those it partnered on, with their totals (one query).

    Only what a city page shows of them: title, address, amount, round, lead city.
    """
    partnered_ids = Award.partner_cities.through.objects.filter(membercity=city).values("award")
    awards = (
        Award.objects.filter(Q(lead_city=city) | Q(pk__in=partnered_ids))
        .select_related("round", "lead_city")
        .only("title", "slug", "amount_usd", "round__name", "lead_city__name", "lead_city__slug")
        .order_by("-round__year", "title")
    )
    led, partnered = [], []
    for award in awards:
        (led if award.lead_city_id == city.pk else partnered).append(award)
    return {
        "led": led,
        "partnered": partnered,
        "led_total": _list_totals(led),
        "partnered_total": _list_totals(partnered),
    }


def _list_totals(awards):
    known = [award.amount_usd for award in awards if award.amount_usd is not None]
    return Totals(
        projects=len(awards),
        amount_usd=sum(known, Decimal(0)),
        unpublished=len(awards) - len(known),
    )
