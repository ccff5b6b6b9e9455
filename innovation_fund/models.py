"""The Innovation Fund: rounds, criteria, proposals and their history.

Stands on ``members.models`` (cities, users). Every change of a proposal's
status goes through ``innovation_fund/services.py``; the models hold the data,
its invariants (constraints) and what can be derived from it (a round's
phase, a proposal's missing parts).

See docs/decisions/ for the status machine, optimistic locking and the
deadline rule.
"""

import uuid
import zoneinfo
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cnca.links import slug_url
from cnca.models import StatusChangeBase
from cnca.uploads import EXTENSIONS
from members.models import MemberCity

# How long a round shows as "awarded" after the awards are announced; then it is closed.
AWARDED_PHASE = timedelta(days=90)
DEFAULT_REMINDER_OFFSETS = (14, 3, 1)


def default_reminder_offsets():
    return list(DEFAULT_REMINDER_OFFSETS)


def validate_time_zone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "%(value)s is not a time zone name. Use an IANA name such as "
            "Europe/Copenhagen or America/Los_Angeles.",
            params={"value": value},
        ) from None


def validate_reminder_offsets(value):
    if not isinstance(value, list) or not all(
        isinstance(days, int) and not isinstance(days, bool) for days in value
    ):
        raise ValidationError("Reminder offsets are a list of whole numbers of days.")
    if any(days < 1 or days > 90 for days in value):
        raise ValidationError("Each reminder offset is between 1 and 90 days.")
    if len(set(value)) != len(value):
        raise ValidationError("Each reminder offset appears once.")


class Stage(models.TextChoices):
    LOI = "loi", "Letter of intent"
    FULL = "full", "Full proposal"

    @property
    def plural(self):
        """ "letters of intent", "full proposals": for "3 letters of intent" in text."""
        return {"loi": "letters of intent", "full": "full proposals"}[self.value]


class Phase(models.TextChoices):
    UPCOMING = "upcoming", "Upcoming"
    OPEN = "open", "Open for letters of intent"
    LOI_REVIEW = "loi_review", "Letters of intent under review"
    FULL_PROPOSALS = "full_proposals", "Full proposals from finalists"
    FULL_REVIEW = "full_review", "Full proposals under review"
    AWARDED = "awarded", "Awarded"
    CLOSED = "closed", "Closed"


class FundRound(models.Model):
    """One call of the Innovation Fund, with its timeline in its own time zone."""

    # The timeline in order. Each pair is (field, label); the admin form checks
    # that every date given is later than every earlier one given.
    TIMELINE = (
        ("call_opens_at", "call opens"),
        ("loi_deadline", "letter of intent deadline"),
        ("loi_scoring_deadline", "letter of intent scoring deadline"),
        ("finalists_announced_at", "finalists announced"),
        ("full_proposal_deadline", "full proposal deadline"),
        ("full_scoring_deadline", "full proposal scoring deadline"),
        ("awards_announced_at", "awards announced"),
    )

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(2014), MaxValueValidator(2100)],
        help_text="Leave empty when not known.",
    )
    description = models.TextField(blank=True)
    is_demo = models.BooleanField(
        "demonstration",
        default=False,
        help_text="A round for trying the portal out; every page says so.",
    )
    is_historical = models.BooleanField(
        "historical record",
        default=False,
        help_text="A past round loaded from the public record. It takes no applications "
        "and is shown as closed; dates it lacks are not known.",
    )
    budget_usd = models.DecimalField(
        "budget (USD)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    awarded_total_usd = models.DecimalField(
        "published total awarded (USD)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The round's total as the public record gives it, where its awards' "
        "own amounts were not all published. Leave empty otherwise: the pages add up "
        "the awards.",
    )
    max_award_usd = models.DecimalField(
        "maximum award (USD)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The most a proposal may request.",
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="The IANA zone deadlines are set and shown in, e.g. America/Los_Angeles.",
    )
    call_opens_at = models.DateTimeField("call opens", null=True, blank=True)
    loi_deadline = models.DateTimeField("letter of intent deadline", null=True, blank=True)
    loi_scoring_deadline = models.DateTimeField(
        "letter of intent scoring deadline", null=True, blank=True
    )
    finalists_announced_at = models.DateTimeField("finalists announced", null=True, blank=True)
    full_proposal_deadline = models.DateTimeField("full proposal deadline", null=True, blank=True)
    full_scoring_deadline = models.DateTimeField(
        "full proposal scoring deadline", null=True, blank=True
    )
    awards_announced_at = models.DateTimeField("awards announced", null=True, blank=True)
    dates_to_the_day = models.BooleanField(
        "dates known to the day only",
        default=False,
        help_text="The record gives days, not times: pages show the date alone.",
    )
    reminder_offsets = models.JSONField(
        default=default_reminder_offsets,
        validators=[validate_reminder_offsets],
        help_text="Days before each deadline at which reminders go out, e.g. [14, 3, 1].",
    )
    reviewers_per_proposal = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="How many committee members score each proposal at each stage.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-call_opens_at", "-year", "-pk"]
        verbose_name = "fund round"
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_usd__isnull=True) | Q(budget_usd__gt=0),
                name="round_budget_positive",
            ),
            models.CheckConstraint(
                condition=Q(max_award_usd__isnull=True) | Q(max_award_usd__gt=0),
                name="round_max_award_positive",
            ),
            models.CheckConstraint(
                condition=Q(call_opens_at__isnull=True)
                | Q(loi_deadline__isnull=True)
                | Q(call_opens_at__lt=models.F("loi_deadline")),
                name="round_call_opens_before_loi_deadline",
            ),
        ]

    def __str__(self):
        if self.is_demo and "demonstration" not in self.name.lower():
            return f"{self.name} (demonstration)"
        return self.name

    def get_absolute_url(self):
        return slug_url("innovation_fund:round_detail", self.slug)

    @property
    def phase_label(self):
        return Phase(self.phase).label

    @property
    def public_timeline(self):
        """[(label, moment or None)] of the dates the public follows (no scoring deadlines)."""
        return [
            (label, getattr(self, field))
            for field, label in self.TIMELINE
            if "scoring" not in field
        ]

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def timeline_errors(self):
        """{field: message} for each date earlier than (or equal to) a date before it."""
        errors = {}
        latest = None
        for name, label in self.TIMELINE:
            value = getattr(self, name)
            if value is None:
                continue
            if latest is not None and value <= latest[1]:
                errors[name] = (
                    f"The {label} must be after the {latest[0]} "
                    f"({timezone.localtime(latest[1], self.zone):%d %b %Y %H:%M})."
                )
                continue
            latest = (label, value)
        return errors

    def clean(self):
        super().clean()
        errors = {}
        if self.time_zone:
            try:
                validate_time_zone(self.time_zone)
            except ValidationError:
                return  # the field's own validator reports it
        errors.update(self.timeline_errors())
        if not self.is_historical:
            for name in ("call_opens_at", "loi_deadline"):
                if getattr(self, name) is None and name not in errors:
                    errors[name] = "An open call needs this date."
            if self.max_award_usd is None:
                errors["max_award_usd"] = "Proposals are checked against the maximum award."
        if self.budget_usd and self.max_award_usd and self.max_award_usd > self.budget_usd:
            errors["max_award_usd"] = "The maximum award cannot be more than the budget."
        if errors:
            raise ValidationError(errors)

    # --- Derived state -------------------------------------------------------

    def phase_at(self, now):
        """The round's phase at ``now``, from its dates (never stored)."""
        if self.is_historical:
            return Phase.CLOSED
        steps = (
            (self.call_opens_at, Phase.UPCOMING),
            (self.loi_deadline, Phase.OPEN),
            (self.finalists_announced_at, Phase.LOI_REVIEW),
            (self.full_proposal_deadline, Phase.FULL_PROPOSALS),
            (self.awards_announced_at, Phase.FULL_REVIEW),
        )
        for moment, phase in steps:
            if moment is not None and now < moment:
                return phase
        if self.awards_announced_at is not None and now < self.awards_announced_at + AWARDED_PHASE:
            return Phase.AWARDED
        if self.call_opens_at is None:
            return Phase.UPCOMING  # a new round whose dates are not set yet
        return Phase.CLOSED

    @property
    def phase(self):
        return self.phase_at(timezone.now())

    def deadline_for(self, stage):
        return self.loi_deadline if stage == Stage.LOI else self.full_proposal_deadline

    def stage_open_at(self, stage, now):
        """True when ``stage`` takes applications at ``now``: before its deadline, to the
        second (a deadline of 17:00:00 refuses at 17:00:00)."""
        if self.is_historical:
            return False
        deadline = self.deadline_for(stage)
        if deadline is None or now >= deadline:
            return False
        if stage == Stage.LOI:
            return self.call_opens_at is not None and now >= self.call_opens_at
        return True

    def scoring_deadline_for(self, stage):
        return self.loi_scoring_deadline if stage == Stage.LOI else self.full_scoring_deadline

    def scoring_open_at(self, stage, now):
        """True while reviews of ``stage`` may be saved: before its scoring deadline, to
        the second. No deadline set means not locked yet."""
        deadline = self.scoring_deadline_for(stage)
        return deadline is None or now < deadline

    def next_deadline_at(self, now):
        """(label, moment) of the next applicant deadline after ``now``, or None."""
        for stage in (Stage.LOI, Stage.FULL):
            deadline = self.deadline_for(stage)
            if deadline is not None and now < deadline:
                return Stage(stage).label, deadline
        return None


class Criterion(models.Model):
    """What the selection committee scores a proposal on, per round and stage."""

    round = models.ForeignKey(FundRound, on_delete=models.CASCADE, related_name="criteria")
    stage = models.CharField(max_length=4, choices=Stage.choices)
    name = models.CharField(max_length=150)
    guidance = models.TextField(blank=True, help_text="What a reviewer looks for.")
    weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    scale_max = models.PositiveSmallIntegerField(
        "scale (1 to)",
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
        help_text="Scores run from 1 to this number.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "stage", "position", "pk"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "stage", "name"], name="criterion_unique_name_per_stage"
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(
                condition=Q(scale_max__gte=2) & Q(scale_max__lte=10),
                name="criterion_scale_2_to_10",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_stage_display()})"


class Proposal(models.Model):
    """A city's application: a letter of intent and, for finalists, a full proposal."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        DECLINED = "declined", "Not shortlisted"
        FINALIST = "finalist", "Finalist"
        FULL_SUBMITTED = "full_submitted", "Full proposal submitted"
        AWARDED = "awarded", "Awarded"
        NOT_FUNDED = "not_funded", "Not funded"
        WITHDRAWN = "withdrawn", "Withdrawn"

    SUMMARY_WORD_LIMIT = 250

    round = models.ForeignKey(FundRound, on_delete=models.PROTECT, related_name="proposals")
    lead_city = models.ForeignKey(MemberCity, on_delete=models.PROTECT, related_name="proposals")
    partner_cities = models.ManyToManyField(
        MemberCity,
        blank=True,
        related_name="partnered_proposals",
        help_text="Member cities working on it with the lead city.",
    )
    other_partners = models.TextField(
        blank=True, help_text="Non-member cities and organisations, one per line."
    )

    # The letter of intent. Blank is allowed in a draft; submit checks completeness.
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    problem = models.TextField(blank=True)
    approach = models.TextField(blank=True)
    requested_amount_usd = models.DecimalField(
        "requested amount (USD)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    co_funding_usd = models.DecimalField(
        "co-funding (USD)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    co_funding_sources = models.TextField("co-funding sources", blank=True)
    expected_impact_tco2e = models.DecimalField(
        "expected impact (tCO2e a year)",
        max_digits=12,
        decimal_places=1,
        null=True,
        blank=True,
    )
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)

    # The full proposal (finalists). Budget lines and milestones are rows below.
    outcome_measures = models.TextField(blank=True)
    work_plan = models.TextField(blank=True)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Optimistic locking: every save of the content bumps it; a save carrying an
    # older number was made on a stale page and is refused.
    version = models.PositiveIntegerField(default=1)
    # The create form's one-time token: a second POST of the same form (double
    # click, resubmit) finds the proposal the first one made.
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    full_submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["lead_city", "round"]),
            models.Index(fields=["round", "status"]),
            # The admin's list of every proposal, newest first, reads 50 rows of it.
            models.Index(fields=["-submitted_at", "-id"], name="proposal_newest_submitted"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_amount_usd__isnull=True) | Q(requested_amount_usd__gt=0),
                name="proposal_request_positive",
            ),
            models.CheckConstraint(
                condition=Q(co_funding_usd__isnull=True) | Q(co_funding_usd__gte=0),
                name="proposal_co_funding_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(expected_impact_tco2e__isnull=True) | Q(expected_impact_tco2e__gte=0),
                name="proposal_impact_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "draft",
                        "submitted",
                        "declined",
                        "finalist",
                        "full_submitted",
                        "awarded",
                        "not_funded",
                        "withdrawn",
                    ]
                ),
                name="proposal_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "withdrawn"]) | Q(submitted_at__isnull=False),
                name="proposal_submitted_has_time",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="proposal_version_positive"),
        ]

    def __str__(self):
        return self.title

    @property
    def stage(self):
        """The stage the applicant is working on now."""
        if self.status in (self.Status.FINALIST, self.Status.FULL_SUBMITTED):
            return Stage.FULL
        return Stage.LOI


class BudgetLine(models.Model):
    """One line of a full proposal's budget; the lines add up to the request."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="budget_lines")
    description = models.CharField(max_length=200)
    amount_usd = models.DecimalField("amount (USD)", max_digits=12, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["proposal", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_usd__gt=0), name="budget_line_positive"),
        ]

    def __str__(self):
        return f"{self.description}: {self.amount_usd}"


class Milestone(models.Model):
    """One step of a full proposal's work plan."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["proposal", "due_on", "position", "pk"]

    def __str__(self):
        return f"{self.title} ({self.due_on:%Y-%m-%d})"


class ProposalVersion(models.Model):
    """What was submitted, each time: the history an applicant and the committee see."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    stage = models.CharField(max_length=4, choices=Stage.choices)
    number = models.PositiveIntegerField()
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    data = models.JSONField(help_text="The proposal's fields as submitted.")

    class Meta:
        ordering = ["proposal", "stage", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "stage", "number"], name="proposal_version_unique_number"
            ),
        ]

    def __str__(self):
        return f"{self.proposal} - {self.get_stage_display()} version {self.number}"


class StatusChange(StatusChangeBase):
    """One move of a proposal's status (see services.py)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="status_changes")

    class Meta(StatusChangeBase.Meta):
        verbose_name = "status change"


# --- The public record of awards --------------------------------------------------------


class Theme(models.Model):
    """One of the fixed themes awards are tagged with (rows made by a migration)."""

    class Slug(models.TextChoices):
        BUILDINGS = "buildings", "Buildings"
        TRANSPORT = "transport", "Transport"
        ENERGY = "energy", "Energy"
        WASTE_AND_FOOD = "waste-and-food", "Waste and food"
        FINANCE = "finance", "Finance"
        PROCUREMENT = "procurement", "Procurement"
        OTHERS = "others", "Others"

    slug = models.SlugField(max_length=30, unique=True, choices=Slug.choices)
    name = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name


class Award(models.Model):
    """A grant as the public sees it.

    Made by awarding a proposal (the committee's release of decisions), or
    imported from the public record for past rounds, which have no proposal.
    The public pages read awards, never proposals. ``amount_usd`` is null when
    no figure was published: never 0.
    """

    proposal = models.OneToOneField(
        Proposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award",
        help_text="Empty for awards imported from the public record.",
    )
    round = models.ForeignKey(FundRound, on_delete=models.PROTECT, related_name="awards")
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True)
    lead_city = models.ForeignKey(MemberCity, on_delete=models.PROTECT, related_name="awards_led")
    partner_cities = models.ManyToManyField(MemberCity, blank=True, related_name="awards_partnered")
    other_partners = models.TextField(
        blank=True, help_text="Non-member cities and organisations, one per line."
    )
    amount_usd = models.DecimalField(
        "amount (USD)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Leave empty when the amount was not published (never 0).",
    )
    co_funding_usd = models.DecimalField(
        "co-funding (USD)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="awards")
    announced_on = models.DateField(null=True, blank=True)
    public_summary = models.TextField(blank=True)
    source = models.TextField(
        blank=True, help_text="Where the facts come from. Staff only, never shown publicly."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_usd__isnull=True) | Q(amount_usd__gt=0),
                name="award_amount_positive_or_unknown",
            ),
            models.CheckConstraint(
                condition=Q(co_funding_usd__isnull=True) | Q(co_funding_usd__gte=0),
                name="award_co_funding_not_negative",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_url("innovation_fund:award_detail", self.slug)


class AwardLink(models.Model):
    """A public link to what an award produced (a report, a tool, a news story)."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="outcome_links")
    label = models.CharField(max_length=200)
    url = models.URLField(max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        # By the column: "award" would sort by the award's own ordering, joining
        # the award and its round to order one award's links.
        ordering = ["award_id", "position", "pk"]

    def __str__(self):
        return self.label


def attachment_storage_name(instance, filename):
    """A random name in a private folder: never the uploader's name, never public.

    No extension either: nothing that serves files by name can guess a type.
    """
    return f"private/proposals/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file attached to a proposal (checked by cnca/uploads.py).

    Stored under a random name outside the public media folders and served only
    by the permission-checked download view, as a download.
    """

    MAX_PER_PROPOSAL = 5

    class Kind(models.TextChoices):
        LETTER_OF_SUPPORT = "letter_of_support", "Letter of support"
        BUDGET = "budget", "Budget or financial document"
        PLAN = "plan", "Plan, map or drawing"
        OTHER = "other", "Other"

    class ContentType(models.TextChoices):
        PDF = "application/pdf", "PDF document"
        PNG = "image/png", "PNG image"
        JPEG = "image/jpeg", "JPEG image"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_storage_name, max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(help_text="Bytes, as stored.")
    content_type = models.CharField(
        max_length=40, choices=ContentType.choices, help_text="Found from the content."
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["proposal", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty"),
            models.CheckConstraint(
                condition=Q(content_type__in=["application/pdf", "image/png", "image/jpeg"]),
                name="attachment_content_type_known",
            ),
        ]

    def __str__(self):
        return self.original_name

    @property
    def download_name(self):
        """The uploader's name, with the extension of what the file really is."""
        extension = EXTENSIONS[self.content_type]
        accepted = {"jpg", "jpeg"} if extension == "jpg" else {extension}
        _, dot, current = self.original_name.rpartition(".")
        if dot and current.lower() in accepted:
            return self.original_name
        return f"{self.original_name}.{extension}"


# The selection committee's models live in their own module; importing them here
# registers them with the app.
from .committee.models import (  # noqa: E402, F401
    Assignment,
    CommitteeAuditEntry,
    CommitteeMember,
    Conflict,
    Decision,
    Recommendation,
    Review,
    Score,
    Standing,
)
from .public.models import PublishedTotal  # noqa: E402, F401
