"""The selection committee's data: who sits on a round, who scores what, the scores,
conflicts of interest, the decisions waiting for release, and the audit of it all.

Registered with the ``innovation_fund`` app by ``innovation_fund/models.py``.
Every change goes through ``innovation_fund/committee/services.py``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from innovation_fund.models import Criterion, FundRound, Proposal, Stage


class CommitteeMember(models.Model):
    """A person on the selection committee of one round."""

    round = models.ForeignKey(FundRound, on_delete=models.CASCADE, related_name="committee")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_seats"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "innovation_fund"
        ordering = ["round", "user__email"]
        verbose_name = "committee member"
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="committee_member_once"),
        ]

    def __str__(self):
        return f"{self.user} on {self.round.name}"


class Assignment(models.Model):
    """A member is asked to score a proposal at a stage."""

    class Method(models.TextChoices):
        MANUAL = "manual", "By hand"
        AUTOMATIC = "automatic", "Automatic"

    member = models.ForeignKey(
        CommitteeMember, on_delete=models.CASCADE, related_name="assignments"
    )
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    stage = models.CharField(max_length=4, choices=Stage.choices)
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.MANUAL)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "innovation_fund"
        ordering = ["proposal", "stage", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "proposal", "stage"], name="assignment_once_per_stage"
            ),
        ]
        indexes = [models.Index(fields=["proposal", "stage"])]

    def __str__(self):
        return f"{self.member.user} scores {self.proposal} ({self.get_stage_display()})"


class Conflict(models.Model):
    """A member who must not see or score a proposal.

    Automatic conflicts (the member's own city leads or partners the proposal)
    are also enforced from the city memberships directly; the rows make them
    visible to staff. Declared ones carry the member's reason.
    """

    class Kind(models.TextChoices):
        AUTOMATIC = "automatic", "Automatic (own city)"
        DECLARED = "declared", "Declared"

    member = models.ForeignKey(CommitteeMember, on_delete=models.CASCADE, related_name="conflicts")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="conflicts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.TextField(blank=True)
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "innovation_fund"
        ordering = ["-declared_at", "-pk"]
        verbose_name = "conflict of interest"
        verbose_name_plural = "conflicts of interest"
        constraints = [
            models.UniqueConstraint(fields=["member", "proposal"], name="conflict_once"),
            models.CheckConstraint(
                condition=Q(kind="automatic") | ~Q(reason=""), name="conflict_declared_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.member.user} / {self.proposal} ({self.get_kind_display()})"


class Recommendation(models.TextChoices):
    YES = "yes", "Yes"
    MAYBE = "maybe", "Maybe"
    NO = "no", "No"


class Review(models.Model):
    """One member's review of one proposal at one stage: a draft until submitted."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    stage = models.CharField(max_length=4, choices=Stage.choices)
    recommendation = models.CharField(max_length=5, choices=Recommendation.choices, blank=True)
    comment = models.TextField("comment for the committee", blank=True)
    feedback = models.TextField("feedback for the applicant", blank=True)
    release_feedback = models.BooleanField(
        "send the feedback to the applicant",
        default=False,
        help_text="Sent with the decision email when staff release the round's decisions.",
    )
    # The weighted mean of the review's scores, n/a left out and the weights of the
    # scored criteria renormalised; null when every criterion is n/a. Computed by the
    # database (innovation_fund/queries.py, weighted_score_expression) whenever the
    # scores or a weight change, so the ranking aggregates in one grouped query.
    weighted_score = models.FloatField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty while the review is a draft."
    )

    class Meta:
        app_label = "innovation_fund"
        ordering = ["proposal", "stage", "reviewer"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "reviewer", "stage"], name="review_once_per_stage"
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | ~Q(recommendation=""),
                name="review_submitted_has_recommendation",
            ),
        ]
        indexes = [models.Index(fields=["proposal", "stage", "submitted_at"])]

    def __str__(self):
        return f"{self.reviewer} on {self.proposal} ({self.get_stage_display()})"

    @property
    def is_submitted(self):
        return self.submitted_at is not None


class Score(models.Model):
    """A review's mark on one criterion; ``value`` null means n/a (not applicable).

    A criterion with no Score row is missing (a draft may have gaps; a submitted
    review has a row for every criterion of its stage).
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        app_label = "innovation_fund"
        ordering = ["review", "criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"], name="score_once_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | (Q(value__gte=1) & Q(value__lte=10)),
                name="score_value_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.criterion.name}: {'n/a' if self.value is None else self.value}"


class Standing(models.Model):
    """A proposal's standing at a stage: the aggregates of its submitted reviews.

    Kept by the review service in the transaction that changes a review or a
    weight (``committee/services.refresh_standings``), from the one formula in
    ``innovation_fund/queries.proposal_aggregates``. The ranking then reads one
    row per proposal instead of grouping every review of the round: at 20,000
    proposals that grouping was most of the page's time (bench/ranking.py).
    A proposal no one has reviewed may have no row; readers treat that as no
    reviews.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="standings")
    stage = models.CharField(max_length=4, choices=Stage.choices)
    review_count = models.PositiveIntegerField(default=0)
    score_mean = models.FloatField(null=True, blank=True)
    score_min = models.FloatField(null=True, blank=True)
    score_max = models.FloatField(null=True, blank=True)
    score_stddev = models.FloatField(null=True, blank=True)
    yes_count = models.PositiveIntegerField(default=0)
    maybe_count = models.PositiveIntegerField(default=0)
    no_count = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "innovation_fund"
        constraints = [
            models.UniqueConstraint(fields=["proposal", "stage"], name="standing_once_per_stage"),
        ]

    def __str__(self):
        return f"{self.proposal} ({self.get_stage_display()}): {self.review_count} review(s)"


class Decision(models.Model):
    """Staff's decision on a proposal at a stage, held until the round's release.

    While ``released_at`` is empty the decision may change (the row is updated,
    nothing is sent); releasing moves the proposal's status, writes its
    StatusChange, queues the one decision email and, for an award, creates the
    public Award. See docs/decisions/ on held decision emails.
    """

    class Outcome(models.TextChoices):
        FINALIST = "finalist", "Finalist (invite a full proposal)"
        DECLINED = "declined", "Declined (not shortlisted)"
        AWARDED = "awarded", "Awarded"
        NOT_FUNDED = "not_funded", "Not funded"

    # Which outcomes each stage decides.
    STAGE_OUTCOMES = {
        Stage.LOI: (Outcome.FINALIST, Outcome.DECLINED),
        Stage.FULL: (Outcome.AWARDED, Outcome.NOT_FUNDED),
    }

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="decisions")
    stage = models.CharField(max_length=4, choices=Stage.choices)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    amount_usd = models.DecimalField(
        "award amount (USD)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    over_budget_reason = models.TextField(
        blank=True, help_text="Why the round's awards may add up to more than its budget."
    )
    note = models.TextField(blank=True, help_text="For staff; recorded with the status change.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "innovation_fund"
        ordering = ["proposal", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "stage"], name="decision_once_per_stage"),
            models.CheckConstraint(
                condition=(Q(outcome="awarded") & Q(amount_usd__isnull=False) & Q(amount_usd__gt=0))
                | (~Q(outcome="awarded") & Q(amount_usd__isnull=True)),
                name="decision_amount_only_for_awards",
            ),
            models.CheckConstraint(
                condition=(Q(stage="loi") & Q(outcome__in=["finalist", "declined"]))
                | (Q(stage="full") & Q(outcome__in=["awarded", "not_funded"])),
                name="decision_outcome_fits_stage",
            ),
        ]

    def __str__(self):
        return f"{self.proposal}: {self.get_outcome_display()}"

    @property
    def is_released(self):
        return self.released_at is not None


class CommitteeAuditEntry(models.Model):
    """Who did what in the committee's work, when, and what changed."""

    class Action(models.TextChoices):
        MEMBER_ADDED = "member_added", "Member added"
        MEMBER_REMOVED = "member_removed", "Member removed"
        ASSIGNED = "assigned", "Assigned"
        UNASSIGNED = "unassigned", "Assignment removed"
        CONFLICT_DECLARED = "conflict_declared", "Conflict declared"
        CONFLICT_RECORDED = "conflict_recorded", "Automatic conflict recorded"
        REVIEW_SAVED = "review_saved", "Review draft saved"
        REVIEW_SUBMITTED = "review_submitted", "Review submitted"
        REVIEW_EDITED = "review_edited", "Submitted review edited"
        DECIDED = "decided", "Decision made"
        DECISION_CHANGED = "decision_changed", "Decision changed"
        DECISIONS_RELEASED = "decisions_released", "Decisions released"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the system acted.",
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    # PROTECT, like the actor: deleting what the committee worked on is refused rather
    # than taking its audit with it.
    round = models.ForeignKey(FundRound, on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(max_length=4, choices=Stage.choices, blank=True)
    subject = models.CharField(
        max_length=300, blank=True, help_text="Who or what it was about, e.g. the member."
    )
    changes = models.JSONField(
        default=dict, blank=True, help_text="Each changed field: [before, after]."
    )

    class Meta:
        app_label = "innovation_fund"
        ordering = ["-at", "-pk"]
        verbose_name = "committee audit entry"
        verbose_name_plural = "committee audit"

    def __str__(self):
        return (
            f"{self.get_action_display()} by {self.actor or 'system'} at {self.at:%Y-%m-%d %H:%M}"
        )
