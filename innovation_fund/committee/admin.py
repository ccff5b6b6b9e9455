"""The selection committee's admin: proposals (read-only, conflicts hidden), the
scoring form, the ranking for staff, assignment, decisions and their release.

Thin: every change calls ``innovation_fund/committee/services.py``; every read of
aggregates comes from ``innovation_fund/queries.py``; who sees what comes from
``innovation_fund/committee/access.py``. Registered by ``innovation_fund/admin.py``.
"""

import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from cnca.private_files import serve_private_file
from innovation_fund import queries
from innovation_fund.models import (
    Assignment,
    Attachment,
    CommitteeAuditEntry,
    CommitteeMember,
    Conflict,
    Decision,
    FundRound,
    Proposal,
    Review,
    Stage,
)

from . import access, services
from .forms import ConflictForm, DecisionForm, ReviewForm

Outcome = Decision.Outcome


class StaffOnly:
    """Alliance staff (superusers) only; read-only unless a subclass allows more."""

    def has_module_permission(self, request):
        return access.is_alliance_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CommitteeReadOnly(StaffOnly):
    """Staff and committee members, read-only: the queryset decides what exists."""

    def has_module_permission(self, request):
        user = request.user
        return access.is_alliance_staff(user) or access.is_committee_member(user)


# --- Filters ------------------------------------------------------------------------------


class RoundFilter(admin.SimpleListFilter):
    title = "round"
    parameter_name = "round"

    def lookups(self, request, model_admin):
        rounds = FundRound.objects.filter(is_historical=False)
        if not access.is_alliance_staff(request.user):
            rounds = rounds.filter(committee__user=request.user)
        return [(str(r.pk), str(r)) for r in rounds]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(round_id=self.value())
        return queryset


class StageFilter(admin.SimpleListFilter):
    """The stage whose reviews the list aggregates (letters of intent by default)."""

    title = "stage"
    parameter_name = "stage"

    def lookups(self, request, model_admin):
        return Stage.choices

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": stage_of(changelist.params) == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        return queryset  # the ranking reads the stage; nothing to narrow


class RecommendationFilter(admin.SimpleListFilter):
    title = "recommendation (at least one)"
    parameter_name = "recommendation"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("maybe", "Maybe"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "maybe", "no"):
            return queryset.filter(**{f"{self.value()}_count__gt": 0})
        return queryset


class DisagreementFilter(admin.SimpleListFilter):
    title = "disagreement (standard deviation)"
    parameter_name = "disagreement"

    def lookups(self, request, model_admin):
        return [("0.5", "above 0.5"), ("1", "above 1"), ("1.5", "above 1.5")]

    def queryset(self, request, queryset):
        try:
            threshold = float(self.value()) if self.value() else None
        except ValueError:
            threshold = None
        if threshold is not None:
            return queryset.filter(score_stddev__gt=threshold)
        return queryset


def stage_of(params):
    value = params.get("stage")
    if isinstance(value, list):
        value = value[-1] if value else None
    return value if value in Stage.values else Stage.LOI


def round_of(request):
    value = request.GET.get("round")
    if value and value.isdigit():
        return FundRound.objects.filter(pk=value).first()
    return None


# --- Proposals ------------------------------------------------------------------------------


@admin.action(description="Name the selected proposals finalists (held until release)")
def name_finalists(modeladmin, request, queryset):
    modeladmin.decide_many(request, queryset, Outcome.FINALIST)


@admin.action(description="Decline the selected letters of intent (held until release)")
def decline(modeladmin, request, queryset):
    modeladmin.decide_many(request, queryset, Outcome.DECLINED)


@admin.action(description="Mark the selected full proposals not funded (held until release)")
def not_funded(modeladmin, request, queryset):
    modeladmin.decide_many(request, queryset, Outcome.NOT_FUNDED)


# The proposal fields the ranking shows (and the search reads).
RANKING_COLUMNS = (
    "title",
    "status",
    "requested_amount_usd",
    "round__name",
    "round__budget_usd",
    "lead_city__name",
)

# The proposal fields the plain list shows (a round shows as its name, "(demonstration)"
# added when it is one). Sorting by a column the newest-first index cannot serve reads
# every proposal: their texts made that 84 ms at 20,000 proposals, 62 ms without.
LIST_COLUMNS = (
    "title",
    "status",
    "submitted_at",
    "round__name",
    "round__is_demo",
    "lead_city__name",
)


class ProposalAdmin(CommitteeReadOnly, admin.ModelAdmin):
    """Committee members: their rounds' proposals, read-only, conflicts hidden.
    Staff: every proposal; with a round chosen, the ranking with its aggregates."""

    list_per_page = 50
    # The full count would be a second pass over the whole ranking (aggregates and
    # windows over every proposal of the round): bench/ranking.py.
    show_full_result_count = False
    search_fields = ["title", "lead_city__name"]
    actions = [name_finalists, decline, not_funded]
    change_list_template = "admin/innovation_fund/proposal/change_list.html"
    change_form_template = "admin/innovation_fund/proposal/change_form.html"
    fieldsets = (
        (None, {"fields": ("round", "title", "lead_city", "partner_list", "other_partners")}),
        (
            "Letter of intent",
            {
                "fields": (
                    "summary",
                    "problem",
                    "approach",
                    "requested_amount_usd",
                    "co_funding_usd",
                    "co_funding_sources",
                    "expected_impact_tco2e",
                )
            },
        ),
        ("Full proposal", {"fields": ("outcome_measures", "work_plan")}),
        ("Status", {"fields": ("status", "submitted_at", "full_submitted_at")}),
    )

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        if not access.is_alliance_staff(request.user):
            return {}
        return super().get_actions(request, action_location)

    def get_readonly_fields(self, request, obj=None):
        return [f for fieldset in self.fieldsets for f in fieldset[1]["fields"]]

    @admin.display(description="partner cities")
    def partner_list(self, proposal):
        return ", ".join(city.name for city in proposal.partner_cities.all()) or "—"

    def is_ranking(self, request):
        return access.is_alliance_staff(request.user) and round_of(request) is not None

    def get_queryset(self, request):
        user = request.user
        proposals = access.visible_proposals(user).select_related("round", "lead_city")
        if not request.resolver_match.url_name.endswith("changelist"):
            return proposals
        stage = stage_of(request.GET)
        if self.is_ranking(request):
            decisions = Decision.objects.filter(proposal=OuterRef("pk"), stage=stage)
            # Only the shown columns: the window functions sort every proposal of the
            # round, and the texts of a proposal would make each sorted row wide.
            shown = proposals.only(*RANKING_COLUMNS)
            return queries.ranking(round_of(request), stage, shown).annotate(
                decision_outcome=Subquery(decisions.values("outcome")[:1]),
                decision_released=Subquery(decisions.values("released_at")[:1]),
            )
        proposals = proposals.only(*LIST_COLUMNS)
        if access.is_alliance_staff(user):
            return proposals
        own = Review.objects.filter(proposal=OuterRef("pk"), reviewer=user, stage=stage)
        return proposals.annotate(
            is_assigned=Exists(
                Assignment.objects.filter(proposal=OuterRef("pk"), member__user=user, stage=stage)
            ),
            has_review=Exists(own),
            review_submitted_at=Subquery(own.values("submitted_at")[:1]),
        )

    def get_list_display(self, request):
        if self.is_ranking(request):
            return [
                "rank",
                "title",
                "lead_city",
                "status",
                "review_count",
                "mean",
                "minimum",
                "maximum",
                "deviation",
                "recommendations",
                "requested_amount_usd",
                "running_total_display",
                "held_decision",
            ]
        if access.is_alliance_staff(request.user):
            return ["title", "round", "lead_city", "status", "submitted_at"]
        return ["title", "round", "lead_city", "status", "your_review"]

    def get_list_display_links(self, request, list_display):
        return ["title"]

    def get_list_filter(self, request):
        filters = [RoundFilter, StageFilter, "status"]
        if self.is_ranking(request):
            filters += ["lead_city", RecommendationFilter, DisagreementFilter]
        return filters

    def get_ordering(self, request):
        if self.is_ranking(request):
            return ["rank", "pk"]
        return ["-submitted_at", "-pk"]

    def get_sortable_by(self, request):
        return [] if self.is_ranking(request) else ["title", "submitted_at", "status"]

    # Columns of the ranking.
    @admin.display(description="rank")
    def rank(self, p):
        return p.rank if p.score_mean is not None else "—"

    @admin.display(description="reviews")
    def review_count(self, p):
        return p.review_count

    @admin.display(description="mean")
    def mean(self, p):
        return _number(p.score_mean)

    @admin.display(description="min")
    def minimum(self, p):
        return _number(p.score_min)

    @admin.display(description="max")
    def maximum(self, p):
        return _number(p.score_max)

    @admin.display(description="std. dev.")
    def deviation(self, p):
        return _number(p.score_stddev)

    @admin.display(description="yes / maybe / no")
    def recommendations(self, p):
        return f"{p.yes_count} / {p.maybe_count} / {p.no_count}"

    @admin.display(description="running total (USD)")
    def running_total_display(self, p):
        total = p.running_total
        budget = p.round.budget_usd
        if total is None:
            return "—"
        text = f"{total:,.0f}"
        if budget is not None and total > budget:
            return format_html('<strong class="over-budget">{} (over budget)</strong>', text)
        return text

    @admin.display(description="decision")
    def held_decision(self, p):
        if not p.decision_outcome:
            return "—"
        label = Outcome(p.decision_outcome).label.split(" (")[0]
        return f"{label} ({'released' if p.decision_released else 'held'})"

    @admin.display(description="your review")
    def your_review(self, p):
        if p.review_submitted_at:
            return "submitted"
        if p.has_review:
            return "draft"
        return "to score" if p.is_assigned else "—"

    def changelist_view(self, request, extra_context=None):
        user = request.user
        fund_round = round_of(request)
        stage = stage_of(request.GET)
        context = {"stage": Stage(stage), "fund_round": fund_round}
        if access.is_alliance_staff(user):
            if fund_round is not None:
                context["budget"] = fund_round.budget_usd
                context["held_count"] = Decision.objects.filter(
                    proposal__round=fund_round, stage=stage, released_at__isnull=True
                ).count()
        else:
            progress = queries.member_progress_of(user, stage)
            context["progress"] = progress
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def decide_many(self, request, queryset, outcome):
        pks = list(queryset.order_by().values_list("pk", flat=True))
        done, refused = 0, []
        for proposal in Proposal.objects.filter(pk__in=pks).select_related("round"):
            try:
                services.decide(proposal=proposal, outcome=outcome, actor=request.user)
                done += 1
            except services.Refusal as refusal:
                refused.append(str(refusal))
        label = Outcome(outcome).label.split(" (")[0].lower()
        self.message_user(
            request,
            f"{done} proposal(s) marked {label}; the decisions are held until you release them.",
            messages.SUCCESS,
        )
        for reason in refused[:10]:
            self.message_user(request, reason, messages.WARNING)
        if len(refused) > 10:
            self.message_user(request, f"… and {len(refused) - 10} more refused.", messages.WARNING)

    # The read-only proposal page: scoring links, conflicts, and (after scoring) others'.
    def change_view(self, request, object_id, form_url="", extra_context=None):
        proposal = self.get_object(request, object_id)
        context = {}
        if proposal is not None:
            context = self._proposal_context(request, proposal)
        return super().change_view(
            request, object_id, form_url, {**context, **(extra_context or {})}
        )

    def _proposal_context(self, request, proposal):
        user = request.user
        staff = access.is_alliance_staff(user)
        stages = []
        for stage in Stage.values:
            own = Review.objects.filter(proposal=proposal, reviewer=user, stage=stage).first()
            assigned = access.assignment_of(user, proposal, stage) is not None
            unblinded = staff or (own is not None and own.is_submitted)
            reviews = []
            aggregates = None
            if unblinded:
                reviews = list(
                    Review.objects.filter(
                        proposal=proposal, stage=stage, submitted_at__isnull=False
                    )
                    .select_related("reviewer")
                    .prefetch_related("scores__criterion")
                )
                aggregates = queries.aggregates_of(proposal, stage)
            if assigned or own or reviews:
                stages.append(
                    {
                        "stage": Stage(stage),
                        "assigned": assigned,
                        "own": own,
                        "reviews": reviews,
                        "aggregates": aggregates,
                        "score_url": reverse(
                            "admin:innovation_fund_proposal_score", args=[proposal.pk, stage]
                        ),
                    }
                )
        return {
            "committee_stages": stages,
            "is_staff_view": staff,
            "conflict_url": reverse("admin:innovation_fund_proposal_conflict", args=[proposal.pk]),
            "decide_url": reverse("admin:innovation_fund_proposal_decide", args=[proposal.pk]),
            "attachments": _attachments(proposal),
        }

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/score/<str:stage>/",
                view(self.score_view),
                name="innovation_fund_proposal_score",
            ),
            path(
                "<int:pk>/conflict/",
                view(self.conflict_view),
                name="innovation_fund_proposal_conflict",
            ),
            path(
                "<int:pk>/decide/", view(self.decide_view), name="innovation_fund_proposal_decide"
            ),
            path(
                "<int:pk>/attachments/<int:attachment_pk>/",
                view(self.attachment_view),
                name="innovation_fund_proposal_attachment",
            ),
            path(
                "round/<int:round_id>/<str:stage>/scores.csv",
                view(self.export_view),
                name="innovation_fund_proposal_export",
            ),
            path(
                "round/<int:round_id>/<str:stage>/release/",
                view(self.release_view),
                name="innovation_fund_proposal_release",
            ),
            path(
                "round/<int:round_id>/<str:stage>/assign/",
                view(self.assign_view),
                name="innovation_fund_proposal_assign",
            ),
            path(
                "round/<int:round_id>/<str:stage>/progress/",
                view(self.progress_view),
                name="innovation_fund_proposal_progress",
            ),
            *super().get_urls(),
        ]

    def _visible(self, request, pk):
        if not self.has_module_permission(request):
            raise PermissionDenied
        proposal = (
            access.visible_proposals(request.user)
            .select_related("round", "lead_city")
            .filter(pk=pk)
            .first()
        )
        if proposal is None:
            raise Http404("No such proposal, or not one you may see.")
        return proposal

    def _page(self, request, template, title, **context):
        return TemplateResponse(
            request,
            f"admin/innovation_fund/proposal/{template}",
            {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **context},
        )

    def score_view(self, request, pk, stage):
        if stage not in Stage.values:
            raise Http404
        proposal = self._visible(request, pk)
        user = request.user
        if access.assignment_of(user, proposal, stage) is None:
            raise PermissionDenied
        review = Review.objects.filter(proposal=proposal, reviewer=user, stage=stage).first()
        criteria = services.criteria_for(proposal, stage)
        now = timezone.now()
        is_open = proposal.round.scoring_open_at(stage, now)
        form = ReviewForm(
            request.POST if request.method == "POST" else None,
            criteria=criteria,
            review=review,
            disabled=not is_open,
        )
        if request.method == "POST":
            if not is_open:
                messages.error(request, "Scoring of this stage has closed; nothing was saved.")
            elif form.is_valid():
                submit = "_submit" in request.POST
                try:
                    services.save_review(
                        user=user,
                        proposal=proposal,
                        stage=stage,
                        data=form.review_input(),
                        submit=submit,
                    )
                except services.IncompleteReview as error:
                    form.add_missing(error)
                except services.Refusal as error:
                    form.add_error(None, str(error))
                else:
                    review = Review.objects.get(proposal=proposal, reviewer=user, stage=stage)
                    messages.success(
                        request,
                        "Your review is submitted." if review.is_submitted else "Draft saved.",
                    )
                    return HttpResponseRedirect(
                        reverse("admin:innovation_fund_proposal_change", args=[proposal.pk])
                    )
        return self._page(
            request,
            "score.html",
            f"Score “{proposal.title}”",
            proposal=proposal,
            stage=Stage(stage),
            form=form,
            review=review,
            is_open=is_open,
            deadline=proposal.round.scoring_deadline_for(stage),
            attachments=_attachments(proposal),
        )

    def attachment_view(self, request, pk, attachment_pk):
        """A proposal's file, as a download, to whoever may see the proposal here."""
        proposal = self._visible(request, pk)
        attachment = get_object_or_404(Attachment, pk=attachment_pk, proposal=proposal)
        return serve_private_file(
            request,
            attachment.file,
            filename=attachment.download_name,
            # _visible is the verdict: a proposal hidden from the user was a 404 above.
            allowed=True,
            content_type=attachment.content_type,
        )

    def conflict_view(self, request, pk):
        proposal = self._visible(request, pk)
        if access.is_alliance_staff(request.user) and not access.is_committee_member(request.user):
            raise PermissionDenied
        form = ConflictForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.declare_conflict(
                    user=request.user, proposal=proposal, reason=form.cleaned_data["reason"]
                )
            except services.Refusal as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, f"Conflict declared: “{proposal.title}” is hidden from you now."
                )
                return HttpResponseRedirect(reverse("admin:innovation_fund_proposal_changelist"))
        return self._page(
            request,
            "conflict.html",
            f"Declare a conflict: “{proposal.title}”",
            proposal=proposal,
            form=form,
        )

    def _staff(self, request):
        if not access.is_alliance_staff(request.user):
            raise PermissionDenied

    def decide_view(self, request, pk):
        self._staff(request)
        proposal = self._visible(request, pk)
        stage = Stage.FULL if proposal.status == Proposal.Status.FULL_SUBMITTED else Stage.LOI
        existing = Decision.objects.filter(proposal=proposal, stage=stage).first()
        form = DecisionForm(request.POST or None, stage=stage, decision=existing)
        if request.method == "POST" and form.is_valid():
            try:
                services.decide(proposal=proposal, actor=request.user, **form.cleaned_data)
            except services.Refusal as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Decision recorded; it is held until you release it.")
                return HttpResponseRedirect(_ranking_url(proposal.round_id, stage))
        return self._page(
            request,
            "decide.html",
            f"Decide: “{proposal.title}”",
            proposal=proposal,
            form=form,
            existing=existing,
            stage=Stage(stage),
            aggregates=queries.aggregates_of(proposal, stage),
            ranking_url=_ranking_url(proposal.round_id, stage),
        )

    def release_view(self, request, round_id, stage):
        self._staff(request)
        fund_round = get_object_or_404(FundRound, pk=round_id)
        if stage not in Stage.values:
            raise Http404
        held = (
            Decision.objects.filter(
                proposal__round=fund_round, stage=stage, released_at__isnull=True
            )
            .select_related("proposal__lead_city")
            .order_by("outcome", "proposal__title")
        )
        if request.method == "POST":
            result = services.release_decisions(
                fund_round=fund_round, stage=stage, actor=request.user
            )
            messages.success(
                request, f"{len(result.released)} decision(s) released; their emails are queued."
            )
            for decision, why in result.skipped:
                messages.warning(request, f"Not released: “{decision.proposal}”: {why}.")
            return HttpResponseRedirect(_ranking_url(round_id, stage))
        return self._page(
            request,
            "release.html",
            f"Release the decisions: {fund_round.name}",
            fund_round=fund_round,
            stage=Stage(stage),
            held=held,
        )

    def export_view(self, request, round_id, stage):
        self._staff(request)
        fund_round = get_object_or_404(FundRound, pk=round_id)
        if stage not in Stage.values:
            raise Http404
        rows = queries.review_export_rows(fund_round, stage)
        header = [
            "proposal id",
            "proposal",
            "lead city",
            "reviewer",
            "submitted at",
            "weighted score",
            "recommendation",
            "comment",
            "feedback for the applicant",
            "criterion",
            "weight",
            "score",
        ]

        def lines():
            buffer = _Echo()
            writer = csv.writer(buffer)
            yield writer.writerow(header)
            for row in rows.iterator(chunk_size=2000):
                row = list(row)
                row[4] = row[4].isoformat() if row[4] else "draft"
                row[-1] = "n/a" if row[-1] is None else row[-1]
                yield writer.writerow([_safe_cell(cell) for cell in row])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{fund_round.slug}-{stage}-scores.csv"'
        )
        return response

    def assign_view(self, request, round_id, stage):
        self._staff(request)
        fund_round = get_object_or_404(FundRound, pk=round_id)
        if stage not in Stage.values:
            raise Http404
        result = None
        if request.method == "POST":
            result = services.auto_assign(fund_round=fund_round, stage=stage, actor=request.user)
            messages.success(request, f"{result.created} assignment(s) made.")
            if result.shortfalls:
                messages.warning(
                    request,
                    f"{len(result.shortfalls)} proposal(s) cannot have "
                    f"{fund_round.reviewers_per_proposal} reviewers without a conflict: "
                    "see the list below.",
                )
        return self._page(
            request,
            "assign.html",
            f"Assign reviewers: {fund_round.name}",
            fund_round=fund_round,
            stage=Stage(stage),
            result=result,
            progress=queries.member_progress(fund_round, stage),
        )

    def progress_view(self, request, round_id, stage):
        self._staff(request)
        fund_round = get_object_or_404(FundRound, pk=round_id)
        if stage not in Stage.values:
            raise Http404
        return self._page(
            request,
            "progress.html",
            f"Scoring progress: {fund_round.name}",
            fund_round=fund_round,
            stage=Stage(stage),
            progress=queries.member_progress(fund_round, stage),
        )


def _ranking_url(round_id, stage):
    return reverse("admin:innovation_fund_proposal_changelist") + f"?round={round_id}&stage={stage}"


def _number(value):
    return "—" if value is None else f"{value:.2f}"


def _attachments(proposal):
    """The proposal's attachments for its admin pages: one query, whatever their number."""
    return list(
        Attachment.objects.filter(proposal=proposal).only(
            "pk", "proposal_id", "kind", "original_name", "size", "content_type", "created_at"
        )
    )


class _Echo:
    def write(self, value):
        return value


def _safe_cell(value):
    """Keep a spreadsheet from running a cell as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


# --- Reviews, members, assignments, conflicts, decisions, audit -------------------------------


class ReviewAdmin(CommitteeReadOnly, admin.ModelAdmin):
    """A member's own reviews (staff: all), read-only; editing is the scoring page."""

    show_full_result_count = False  # tens of thousands of rows: count them once

    list_display = ["proposal", "stage", "reviewer", "recommendation", "weighted", "state"]
    list_filter = ["stage", "recommendation"]
    list_select_related = ["proposal", "reviewer"]
    fields = [
        "proposal",
        "stage",
        "reviewer",
        "recommendation",
        "weighted_score",
        "comment",
        "feedback",
        "release_feedback",
        "submitted_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        reviews = super().get_queryset(request)
        if access.is_alliance_staff(request.user):
            return reviews
        return reviews.filter(reviewer=request.user)

    @admin.display(description="weighted score")
    def weighted(self, review):
        return _number(review.weighted_score)

    @admin.display(description="state")
    def state(self, review):
        return "submitted" if review.is_submitted else "draft"


class CommitteeMemberForm(forms.ModelForm):
    class Meta:
        model = CommitteeMember
        fields = ["round", "user"]


class CommitteeMemberAdmin(StaffOnly, admin.ModelAdmin):
    list_display = ["user", "round", "added_at"]
    list_filter = ["round"]
    list_select_related = ["user", "round"]
    form = CommitteeMemberForm
    autocomplete_fields = ["user"]

    def has_add_permission(self, request, *args):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def save_model(self, request, obj, form, change):
        member = services.add_member(fund_round=obj.round, user=obj.user, actor=request.user)
        obj.pk = member.pk

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # The seat's assignments and conflicts go with it in services.remove_member,
        # audited there; conflicts are read-only on their own, which must not block it.
        perms_needed -= {Assignment._meta.verbose_name, Conflict._meta.verbose_name}
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        services.remove_member(member=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for member in queryset.order_by("pk"):
                services.remove_member(member=member, actor=request.user)


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["member", "proposal", "stage"]

    def clean(self):
        data = super().clean()
        member, proposal, stage = data.get("member"), data.get("proposal"), data.get("stage")
        if member and proposal and stage:
            try:
                services._check_assignable(member, proposal, stage)
            except services.Refusal as error:
                raise forms.ValidationError(str(error)) from None
        return data


class AssignmentAdmin(StaffOnly, admin.ModelAdmin):
    show_full_result_count = False  # tens of thousands of rows: count them once
    list_display = ["proposal", "stage", "member", "method", "assigned_by", "assigned_at"]
    list_filter = ["stage", "method", "member__round"]
    # The member column shows the seat as "user on round".
    list_select_related = ["proposal", "member__user", "member__round", "assigned_by"]
    raw_id_fields = ["proposal", "member"]
    form = AssignmentForm
    actions = ["remove_assignments"]

    def has_add_permission(self, request, *args):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        assignment, _ = services.assign(
            member=obj.member, proposal=obj.proposal, stage=obj.stage, actor=request.user
        )
        obj.pk = assignment.pk

    def delete_model(self, request, obj):
        services.unassign(assignment=obj, actor=request.user)

    @admin.action(description="Remove the selected assignments (submitted reviews are kept)")
    def remove_assignments(self, request, queryset):
        with transaction.atomic():
            for assignment in queryset.select_related("proposal__round", "member__user"):
                services.unassign(assignment=assignment, actor=request.user)
        self.message_user(request, "Assignments removed; the reviews stay on record.")


class ConflictAdmin(StaffOnly, admin.ModelAdmin):
    list_display = ["member", "proposal", "kind", "reason", "declared_at"]
    list_filter = ["kind", "member__round"]
    list_select_related = ["member__user", "member__round", "proposal"]
    readonly_fields = ["member", "proposal", "kind", "reason", "declared_at"]


class DecisionAdmin(StaffOnly, admin.ModelAdmin):
    list_display = ["proposal", "stage", "outcome", "amount_usd", "decided_by", "released_at"]
    list_filter = ["stage", "outcome", ("released_at", admin.EmptyFieldListFilter)]
    list_select_related = ["proposal", "decided_by"]
    readonly_fields = [
        "proposal",
        "stage",
        "outcome",
        "amount_usd",
        "over_budget_reason",
        "note",
        "decided_by",
        "decided_at",
        "released_by",
        "released_at",
    ]


class CommitteeAuditAdmin(StaffOnly, admin.ModelAdmin):
    show_full_result_count = False  # tens of thousands of rows: count them once
    list_display = ["at", "actor", "action", "round", "proposal", "stage", "subject"]
    list_filter = ["action", "round", "stage"]
    list_select_related = ["actor", "round", "proposal"]
    readonly_fields = ["at", "actor", "action", "round", "proposal", "stage", "subject", "changes"]
    date_hierarchy = "at"


def register(site, proposal_inlines=()):
    """Register the committee's admins; ``proposal_inlines`` are the fund's own (its
    status history, staff only) shown on the proposal page."""
    ProposalAdmin.inlines = list(proposal_inlines)
    site.register(Proposal, ProposalAdmin)
    site.register(Review, ReviewAdmin)
    site.register(CommitteeMember, CommitteeMemberAdmin)
    site.register(Assignment, AssignmentAdmin)
    site.register(Conflict, ConflictAdmin)
    site.register(Decision, DecisionAdmin)
    site.register(CommitteeAuditEntry, CommitteeAuditAdmin)
