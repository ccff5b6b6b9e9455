from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from . import services
from .models import CityMembership, MemberCity, Supporter, User


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    full_name = forms.CharField(label="Full name", max_length=150, required=False)
    city = forms.ModelChoiceField(
        label="Member city", queryset=MemberCity.objects.current(), empty_label="Choose a city"
    )
    role = forms.ChoiceField(
        label="Role", choices=CityMembership.Role.choices, initial=CityMembership.Role.STAFF
    )


class CityMembershipInline(admin.StackedInline):
    model = CityMembership
    extra = 0
    max_num = 1
    autocomplete_fields = ["city"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "city", "account", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "city_membership__city"]
    list_select_related = ["city_membership__city"]
    search_fields = ["email", "full_name", "city_membership__city__name"]
    inlines = [CityMembershipInline]
    actions = ["send_new_invitation"]
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

    @admin.display(description="account")
    def account(self, user):
        return "Invitation pending" if services.invitation_pending(user) else "In use"

    # --- Invitations ------------------------------------------------------------------

    def get_urls(self):
        invite = self.admin_site.admin_view(self.invite_view)
        return [path("invite/", invite, name="members_user_invite"), *super().get_urls()]

    def invite_view(self, request):
        """Alliance staff invite a member city's staff member by email."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = InvitationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                user = services.invite_city_staff(**form.cleaned_data, invited_by=request.user)
            except services.InvitationError as error:
                form.add_error("email", str(error))
            else:
                self.log_addition(request, user, f"Invited for {form.cleaned_data['city']}.")
                self.message_user(
                    request,
                    f"Invitation sent to {user.email}: the link in it works once, for "
                    f"{settings.INVITATION_VALID_DAYS} days.",
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:members_user_change", args=[user.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Invite a city staff member",
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/members/user/invite.html", context)

    @admin.action(description="Send a new invitation to the selected people", permissions=["add"])
    def send_new_invitation(self, request, queryset):
        sent, skipped = [], []
        for user in queryset:
            if not services.invitation_pending(user):
                skipped.append(user.email)
                continue
            with transaction.atomic():
                services.send_invitation(user, invited_by=request.user)
            sent.append(user.email)
        if sent:
            self.message_user(request, f"New invitation sent to {', '.join(sent)}.")
        if skipped:
            self.message_user(
                request,
                f"Not sent to {', '.join(skipped)}: they already use the portal "
                "(they can reset their password from the sign-in page).",
                messages.WARNING,
            )


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
