"""Reusable reads of the fund: the applicant dashboard, a proposal page, open rounds;
the selection committee's aggregates, ranking and progress.

Every function here costs a fixed number of queries, whatever the number of
proposals (tests assert it with 1 and 20; the ranking with 10 and 500).
"""

from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RowRange
from django.db.models.functions import Cast, Coalesce, Rank, Sqrt
from django.db.models.lookups import GreaterThan, IsNull
from django.utils import timezone

from . import rules
from .models import (
    Assignment,
    CommitteeMember,
    FundRound,
    Proposal,
    Review,
    Score,
    Stage,
    Standing,
    StatusChange,
)
from .services import EDITABLE, WITHDRAWABLE


@dataclass
class ProposalRow:
    proposal: Proposal
    is_lead: bool
    actions: list = field(default_factory=list)  # (label, url name) pairs open now


@dataclass
class RoundGroup:
    fund_round: FundRound
    next_deadline: tuple | None  # (label, moment) or None
    rows: list


def rounds_taking_lois(now=None):
    """Rounds whose call is open at ``now`` (LOI stage open), soonest deadline first."""
    now = now or timezone.now()
    return list(
        FundRound.objects.filter(
            is_historical=False, call_opens_at__lte=now, loi_deadline__gt=now
        ).order_by("loi_deadline")
    )


def actions_for(proposal, now, is_lead):
    """What the person can do with ``proposal`` now: (label, url name) pairs."""
    if not is_lead:
        return []
    stage = proposal.stage
    if not proposal.round.stage_open_at(stage, now):
        return []
    actions = []
    if proposal.status in EDITABLE[stage]:
        actions.append(("Edit", "innovation_fund:proposal_edit"))
        if proposal.status == EDITABLE[stage][0]:
            label = "Submit" if stage == Stage.LOI else "Submit the full proposal"
            actions.append((label, "innovation_fund:proposal_submit"))
    if proposal.status in WITHDRAWABLE:
        actions.append(("Withdraw", "innovation_fund:proposal_withdraw"))
    return actions


def applicant_dashboard(user, now=None):
    """The /account/ dashboard's fund part for ``user``: 3 queries, or 1 with no city.

    Returns {"city_id", "open_rounds", "groups"}: the rounds taking letters of
    intent now, and the city's proposals (lead or partner) grouped by round,
    newest round first.
    """
    now = now or timezone.now()
    city_id = rules.city_id_of(user)
    if city_id is None:
        return {"city_id": None, "open_rounds": [], "groups": []}
    open_rounds = rounds_taking_lois(now)
    proposals = (
        Proposal.objects.filter(Q(lead_city_id=city_id) | Q(partner_cities__id=city_id))
        .distinct()
        .select_related("round", "lead_city")
        .order_by("-round__call_opens_at", "-round_id", "-created_at", "-pk")
    )
    groups = {}
    for proposal in proposals:
        group = groups.get(proposal.round_id)
        if group is None:
            group = groups[proposal.round_id] = RoundGroup(
                proposal.round, proposal.round.next_deadline_at(now), []
            )
        is_lead = proposal.lead_city_id == city_id
        group.rows.append(ProposalRow(proposal, is_lead, actions_for(proposal, now, is_lead)))
    return {"city_id": city_id, "open_rounds": open_rounds, "groups": list(groups.values())}


def proposal_for_page(pk):
    """One proposal with everything its page shows, in 5 queries (None if none)."""
    return (
        Proposal.objects.select_related("round", "lead_city", "submitted_by", "created_by")
        .prefetch_related(
            "partner_cities",
            "budget_lines",
            "milestones",
            Prefetch(
                "status_changes",
                queryset=StatusChange.objects.select_related("actor").order_by("at", "pk"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def visible_proposal(user, pk):
    """The proposal ``pk`` if ``user`` may see it, else None (the view answers 404)."""
    proposal = proposal_for_page(pk)
    if proposal is None or not rules.can_view_proposal(user, proposal):
        return None
    return proposal


# =====================================================================================
# The selection committee's aggregates (docs/decisions/, "committee aggregates").
#
# A review's weighted score is the weighted mean of its scores with n/a left out:
#     sum(value * weight) / sum(weight), over the criteria not marked n/a,
# so the weights of the scored criteria are renormalised and n/a never counts as 0.
# A review whose every criterion is n/a has no weighted score (null) and is left out
# of the mean, min, max and deviation, but counts as a review and in its
# recommendation. The deviation is the population standard deviation: one review
# disagrees with nobody (0).
#
# Both are computed by the database and stored: the weighted score on the Review,
# the proposal's aggregates in a Standing row per stage. The committee's services
# refresh them in the transaction that changes a review or a weight
# (docs/decisions/0016-stored-committee-aggregates.md).
# =====================================================================================

Status = Proposal.Status

# The proposals each stage ranks: those that reached it (and what became of them).
STAGE_STATUSES = {
    Stage.LOI: (
        Status.SUBMITTED,
        Status.DECLINED,
        Status.FINALIST,
        Status.FULL_SUBMITTED,
        Status.AWARDED,
        Status.NOT_FUNDED,
    ),
    Stage.FULL: (Status.FULL_SUBMITTED, Status.AWARDED, Status.NOT_FUNDED),
}


def weighted_score_subquery(review=None):
    """The weighted score of the review ``review`` (default: the outer query's row)."""
    scored = (
        Score.objects.filter(review=review if review is not None else OuterRef("pk"))
        .filter(value__isnull=False)
        .order_by()
        .values("review")
    )
    weight = Cast("criterion__weight", FloatField())
    return Subquery(
        scored.annotate(weighted=Sum(Cast("value", FloatField()) * weight) / Sum(weight)).values(
            "weighted"
        )[:1],
        output_field=FloatField(),
    )


def _submitted(stage):
    return Q(reviews__stage=stage, reviews__submitted_at__isnull=False)


def population_stddev(field, condition):
    """sqrt(avg(x²) - avg(x)²): the population standard deviation in plain SQL, the same
    on Postgres and SQLite (whose Django STDDEV_POP fails on NULLs and on no rows).
    A rounding error just below zero is 0, not NaN; with no values it is NULL (not
    GREATEST, which ignores a NULL on Postgres and returns it on SQLite)."""
    value = F(field)
    variance = Avg(value * value, filter=condition) - Avg(value, filter=condition) * Avg(
        value, filter=condition
    )
    return Case(
        When(GreaterThan(variance, 0.0), then=Sqrt(variance)),
        When(IsNull(variance, False), then=Value(0.0)),
        default=None,
        output_field=FloatField(),
    )


# The aggregates of a proposal at a stage, as stored in Standing and shown everywhere.
AGGREGATES = (
    "review_count",
    "score_mean",
    "score_min",
    "score_max",
    "score_stddev",
    "yes_count",
    "maybe_count",
    "no_count",
)
COUNTS = ("review_count", "yes_count", "maybe_count", "no_count")
NO_REVIEWS = {name: 0 if name in COUNTS else None for name in AGGREGATES}


def proposal_aggregates(stage):
    """The formula: annotations computing each proposal's aggregates at ``stage`` from
    its submitted reviews' weighted scores. Only ``standing_values`` uses it; pages
    read the stored result (Standing)."""
    submitted = _submitted(stage)
    score = "reviews__weighted_score"
    return {
        "review_count": Count("reviews", filter=submitted),
        "score_mean": Avg(score, filter=submitted),
        "score_min": Min(score, filter=submitted),
        "score_max": Max(score, filter=submitted),
        "score_stddev": population_stddev(score, submitted),
        "yes_count": Count("reviews", filter=submitted & Q(reviews__recommendation="yes")),
        "maybe_count": Count("reviews", filter=submitted & Q(reviews__recommendation="maybe")),
        "no_count": Count("reviews", filter=submitted & Q(reviews__recommendation="no")),
    }


def standing_values(proposals, stage):
    """``(pk, {aggregate: value})`` of each of ``proposals`` at ``stage``, computed now
    from the reviews (one grouped query). Works on a migration's historical models."""
    rows = proposals.order_by().annotate(**proposal_aggregates(stage)).values("pk", *AGGREGATES)
    return [(row.pop("pk"), row) for row in rows]


def with_aggregates(proposals, stage):
    """``proposals`` annotated with their stored aggregates at ``stage`` (one LEFT JOIN
    on Standing; a proposal without a row has no reviews)."""
    stored = {
        name: Coalesce(F(f"standing__{name}"), 0) if name in COUNTS else F(f"standing__{name}")
        for name in AGGREGATES
    }
    return proposals.annotate(
        standing=FilteredRelation("standings", condition=Q(standings__stage=stage))
    ).annotate(**stored)


def rank_order():
    return [F("score_mean").desc(nulls_last=True), F("pk").asc()]


def ranking(fund_round, stage, proposals=None):
    """The proposals of ``fund_round`` at ``stage``, best first, with their aggregates,
    their rank (ties share one) and the running total of their requests in rank order.

    ``proposals`` narrows the rows (a filtered queryset); rank and running total are
    then among those rows. One query, however many proposals.
    """
    proposals = Proposal.objects.all() if proposals is None else proposals
    return (
        with_aggregates(proposals.filter(round=fund_round, status__in=STAGE_STATUSES[stage]), stage)
        .annotate(
            rank=Window(Rank(), order_by=[F("score_mean").desc(nulls_last=True)]),
            running_total=Window(
                Sum("requested_amount_usd"),
                order_by=rank_order(),
                frame=RowRange(start=None, end=0),
            ),
        )
        .order_by("rank", "pk")
    )


def aggregates_of(proposal, stage):
    """One proposal's stored aggregates at ``stage`` as a dict (one query)."""
    stored = Standing.objects.filter(proposal=proposal, stage=stage).values(*AGGREGATES).first()
    return stored or dict(NO_REVIEWS)


def has_submitted_review(user, proposal, stage):
    """The blind rule's question: has ``user`` submitted their review of it?"""
    return Review.objects.filter(
        proposal=proposal, reviewer=user, stage=stage, submitted_at__isnull=False
    ).exists()


def member_progress(fund_round, stage, members=None):
    """Committee members of the round with ``assigned`` and ``scored`` counts at
    ``stage`` (scored: assignments whose review is submitted). One query."""
    members = CommitteeMember.objects.filter(round=fund_round) if members is None else members
    scored = (
        Assignment.objects.filter(member=OuterRef("pk"), stage=stage)
        .filter(
            Exists(
                Review.objects.filter(
                    proposal=OuterRef("proposal"),
                    reviewer=OuterRef("member__user"),
                    stage=stage,
                    submitted_at__isnull=False,
                )
            )
        )
        .order_by()
        .values("member")
        .annotate(n=Count("pk"))
        .values("n")
    )
    assigned = (
        Assignment.objects.filter(member=OuterRef("pk"), stage=stage)
        .order_by()
        .values("member")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        members.select_related("user")
        .annotate(
            assigned=Coalesce(Subquery(assigned, output_field=IntegerField()), Value(0)),
            scored=Coalesce(Subquery(scored, output_field=IntegerField()), Value(0)),
        )
        .order_by("user__email")
    )


def member_progress_of(user, stage):
    """{"assigned", "scored"} for one member across their rounds at ``stage``."""
    assigned = Assignment.objects.filter(member__user=user, stage=stage)
    submitted = Review.objects.filter(
        proposal=OuterRef("proposal"), reviewer=user, stage=stage, submitted_at__isnull=False
    )
    return assigned.aggregate(assigned=Count("pk"), scored=Count("pk", filter=Q(Exists(submitted))))


def review_export_rows(fund_round, stage):
    """Every score of every review of the round at ``stage``, for the CSV export:
    one query, iterated in chunks (scores first, then an n/a-only or empty review's
    single row comes from its review)."""
    return (
        Score.objects.filter(review__proposal__round=fund_round, review__stage=stage)
        .order_by("review__proposal_id", "review__reviewer__email", "criterion__position")
        .values_list(
            "review__proposal_id",
            "review__proposal__title",
            "review__proposal__lead_city__name",
            "review__reviewer__email",
            "review__submitted_at",
            "review__weighted_score",
            "review__recommendation",
            "review__comment",
            "review__feedback",
            "criterion__name",
            "criterion__weight",
            "value",
        )
    )
