"""Reusable reads of the Innovation Fund.

Every function here costs a fixed number of queries, whatever the number of
proposals.
"""

from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.expressions import RowRange
from django.db.models.functions import Cast, Coalesce, Greatest, Rank, Sqrt

from .models import Assignment, CommitteeMember, Proposal, Review, Score, Stage

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


def refresh_weighted_scores(reviews):
    """Recompute the stored weighted score of ``reviews`` (a queryset): one UPDATE."""
    return reviews.update(weighted_score=weighted_score_subquery())


def _submitted(stage):
    return Q(reviews__stage=stage, reviews__submitted_at__isnull=False)


def population_stddev(field, condition):
    """sqrt(avg(x²) - avg(x)²): the population standard deviation in plain SQL, the same
    on Postgres and SQLite (whose Django STDDEV_POP fails on NULLs and on no rows).
    Clamped at 0 so a rounding error below zero cannot give NaN; NULL with no values."""
    value = F(field)
    variance = Avg(value * value, filter=condition) - Avg(value, filter=condition) * Avg(
        value, filter=condition
    )
    return Sqrt(Greatest(variance, Value(0.0)))


def proposal_aggregates(stage):
    """Annotations giving each proposal its reviews' aggregates at ``stage``."""
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
        proposals.filter(round=fund_round, status__in=STAGE_STATUSES[stage])
        .annotate(**proposal_aggregates(stage))
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
    """One proposal's aggregates at ``stage`` as a dict (one query)."""
    return (
        Proposal.objects.filter(pk=proposal.pk)
        .annotate(**proposal_aggregates(stage))
        .values(*proposal_aggregates(stage))
        .get()
    )


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
