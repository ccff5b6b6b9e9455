"""The admin for rounds and criteria: alliance staff (superusers) only.

Committee members are staff users too; they reach proposals through the
committee's own pages (another issue), never the round settings.
"""

import zoneinfo

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import (
    Award,
    AwardLink,
    Criterion,
    FundRound,
    StatusChange,
    validate_time_zone,
)


class AllianceStaffOnly:
    """Only alliance staff (superusers) see or change these models."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, *args):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


class CriterionInline(AllianceStaffOnly, admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["stage", "position", "name", "guidance", "weight", "scale_max"]


@admin.register(FundRound)
class FundRoundAdmin(AllianceStaffOnly, admin.ModelAdmin):
    list_display = ["name", "year", "phase_label", "loi_deadline", "is_demo", "is_historical"]
    list_filter = ["is_demo", "is_historical", "year"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CriterionInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "year", "description", "is_demo", "is_historical")}),
        ("Money", {"fields": ("budget_usd", "max_award_usd")}),
        (
            "Timeline",
            {
                "description": "Each date must come after the ones above it. Times are "
                "entered and shown in the round's time zone.",
                "fields": (
                    "time_zone",
                    "call_opens_at",
                    "loi_deadline",
                    "loi_scoring_deadline",
                    "finalists_announced_at",
                    "full_proposal_deadline",
                    "full_scoring_deadline",
                    "awards_announced_at",
                    "dates_to_the_day",
                    "reminder_offsets",
                ),
            },
        ),
        ("Selection committee", {"fields": ("reviewers_per_proposal",)}),
    )

    @admin.display(description="phase")
    def phase_label(self, fund_round):
        return fund_round.phase.label

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Dates are typed and shown in the round's own zone: the one being
        # submitted, else the saved one.
        zone_name = request.POST.get("time_zone")
        if not zone_name and object_id:
            zone_name = (
                FundRound.objects.filter(pk=object_id).values_list("time_zone", flat=True).first()
            )
        try:
            validate_time_zone(zone_name or "UTC")
            zone = zoneinfo.ZoneInfo(zone_name or "UTC")
        except ValidationError:
            zone = zoneinfo.ZoneInfo("UTC")
        with timezone.override(zone):
            return super().changeform_view(request, object_id, form_url, extra_context)


@admin.register(Criterion)
class CriterionAdmin(AllianceStaffOnly, admin.ModelAdmin):
    list_display = ["name", "round", "stage", "weight", "scale_max", "position"]
    list_filter = ["stage", "round"]
    list_select_related = ["round"]
    search_fields = ["name", "guidance"]


class AwardLinkInline(AllianceStaffOnly, admin.TabularInline):
    model = AwardLink
    extra = 0
    fields = ["position", "label", "url"]


@admin.register(Award)
class AwardAdmin(AllianceStaffOnly, admin.ModelAdmin):
    list_display = ["title", "round", "lead_city", "amount_usd", "announced_on"]
    list_filter = ["round", "themes"]
    list_select_related = ["round", "lead_city"]
    search_fields = ["title", "lead_city__name", "public_summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["lead_city", "partner_cities"]
    raw_id_fields = ["proposal"]
    inlines = [AwardLinkInline]
    fields = [
        "round",
        "proposal",
        "title",
        "slug",
        "lead_city",
        "partner_cities",
        "other_partners",
        "amount_usd",
        "co_funding_usd",
        "themes",
        "announced_on",
        "public_summary",
        "source",
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "themes":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class StatusChangeInline(AllianceStaffOnly, admin.TabularInline):
    model = StatusChange
    extra = 0
    fields = ["at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The selection committee's admin (proposals, reviews, assignment, decisions, audit).
from .committee.admin import register as _register_committee  # noqa: E402

_register_committee(admin.site, proposal_inlines=[StatusChangeInline])
