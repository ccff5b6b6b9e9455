"""The outbox in the admin: read-only rows, a safe preview, retry and cancel.

Only people with the outbox's model permissions see it (superusers, alliance
staff given them); a committee member who may sign in to the admin does not.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.csp import CSP
from django.utils.html import format_html
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override

from . import services
from .models import OutboundEmail

# The stored HTML is shown in an iframe whose document may run nothing: no
# script, no form, no plugin, no request but for inline styles and data: images,
# and (sandbox) an opaque origin, even when opened on its own.
PREVIEW_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": ["data:"],
    "frame-ancestors": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
    "sandbox": True,
}


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state", "template"]
    search_fields = ["to", "subject", "=key", "=message_id"]
    date_hierarchy = "created_at"
    list_per_page = 50
    actions = ["retry_failed", "cancel_queued"]
    fieldsets = [
        (None, {"fields": ["state", "to", "subject", "attempts", "last_error"]}),
        ("Preview", {"fields": ["preview", "text_body"]}),
        (
            "Delivery",
            {
                "fields": [
                    "key",
                    "message_id",
                    "template",
                    "related_object",
                    "created_at",
                    "next_attempt_at",
                    "sending_since",
                    "sent_at",
                    "updated_at",
                ]
            },
        ),
        ("HTML source", {"fields": ["html_source"], "classes": ["collapse"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Rows change only through services (the actions below): every field is shown, none edited.
        return flatten_fieldsets(self.fieldsets)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # The outbox is the record of what was sent; cancel instead.
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- Read-only fields ---------------------------------------------------------

    @admin.display(description="HTML part")
    def preview(self, obj):
        if not obj.pk or not obj.html_body:
            return "(no HTML part)"
        url = reverse("admin:notifications_outboundemail_preview", args=[obj.pk])
        return format_html(
            '<iframe src="{}" sandbox="" title="Preview of the HTML part" '
            'width="100%" height="520" class="outbox-preview" '
            'style="border:1px solid #ccc;max-width:680px"></iframe>',
            url,
        )

    @admin.display(description="HTML source")
    def html_source(self, obj):
        return format_html('<pre style="white-space:pre-wrap">{}</pre>', obj.html_body)

    @admin.display(description="About")
    def related_object(self, obj):
        if not obj.content_type_id:
            return "-"
        return f"{obj.content_type.name} #{obj.object_id}: {obj.related or '(deleted)'}"

    # --- The preview document -------------------------------------------------------

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path(
                "<path:object_id>/preview/",
                preview,
                name="notifications_outboundemail_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            pk = int(object_id)
        except ValueError:
            raise Http404 from None
        email = get_object_or_404(OutboundEmail, pk=pk)
        return _preview_response(email.html_body)

    # --- Actions ------------------------------------------------------------------------

    @admin.action(description="Retry the selected failed emails", permissions=["change"])
    def retry_failed(self, request, queryset):
        count = services.retry(queryset)
        self.message_user(request, f"{count} failed email(s) queued again.", messages.SUCCESS)

    @admin.action(description="Cancel the selected queued emails", permissions=["change"])
    def cancel_queued(self, request, queryset):
        count = services.cancel(queryset)
        self.message_user(
            request,
            f"{count} queued email(s) cancelled. Emails already sent or being sent are unchanged.",
            messages.SUCCESS,
        )


@xframe_options_sameorigin
@csp_override(PREVIEW_CSP)
def _preview_response(html):
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Referrer-Policy"] = "no-referrer"
    return response
