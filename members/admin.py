from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import CityMembership, MemberCity, Supporter, User


class CityMembershipInline(admin.StackedInline):
    model = CityMembership
    extra = 0
    max_num = 1
    autocomplete_fields = ["city"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "city", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "city_membership__city"]
    list_select_related = ["city_membership__city"]
    search_fields = ["email", "full_name", "city_membership__city__name"]
    inlines = [CityMembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name",)}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "password1", "password2"),
            },
        ),
    )

    @admin.display(ordering="city_membership__city__name")
    def city(self, user):
        membership = getattr(user, "city_membership", None)
        return membership.city if membership else "—"


@admin.register(MemberCity)
class MemberCityAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "region", "founding_member", "status", "target_year"]
    list_filter = ["status", "founding_member", "region", "country", "target_year"]
    search_fields = ["name", "target", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = (
        (None, {"fields": ("name", "slug", "country", "region", "status", "founding_member")}),
        (
            "Commitment",
            {
                "fields": (
                    "target",
                    "target_year",
                    "baseline_year",
                    "reduction_percent",
                    "target_source",
                )
            },
        ),
        ("Profile", {"fields": ("joined", "summary", "website", "photo", "photo_alt")}),
        ("Location", {"fields": ("latitude", "longitude")}),
    )


@admin.register(Supporter)
class SupporterAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "role", "position"]
    list_filter = ["role"]
    list_editable = ["position"]
    search_fields = ["name", "short_name"]
