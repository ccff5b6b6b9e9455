"""The outbox in the admin: view-only rows, a safe preview, retry and cancel.

Only people with the outbox's model permissions see it (superusers, alliance
staff given them); a committee member who may sign in to the admin does not.
A row is never edited here (Django's view-only mode: a POST to its page is
refused); it changes only through the actions, which call the services. The
body of a sensitive email (a password-reset link) is never shown, in any
state, to anyone.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.csp import CSP
from django.utils.html import format_html, format_html_join
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


HIDDEN = "(Not shown: this email carries a secret, such as a password-reset link.)"


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    show_full_result_count = False  # tens of thousands of rows: count them once
    list_display = ["subject", "recipients", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state", "sensitive", "template"]
    search_fields = ["to", "subject", "=key", "=message_id"]
    date_hierarchy = "created_at"

    class Media:
        css = {"all": ["notifications/outbox-admin.css"]}

    list_per_page = 50
    actions = ["retry_failed", "cancel_queued"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "state",
                    "recipients",
                    "subject",
                    "attempts",
                    "last_error",
                    "recipient_results",
                    "sensitive",
                ]
            },
        ),
        ("Preview", {"fields": ["preview", "text_part"]}),
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

    def has_change_permission(self, request, obj=None):
        # No row is ever edited: its page is view-only and refuses a POST. The
        # model's change permission still governs the actions (obj is None).
        if obj is not None:
            return False
        return super().has_change_permission(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # The outbox is the record of what was sent; cancel instead.
        return False

    # --- Read-only fields ---------------------------------------------------------

    @admin.display(description="To")
    def recipients(self, obj):
        return obj.to_display

    @admin.display(description="Server's reply per recipient")
    def recipient_results(self, obj):
        if not obj.results:
            return "-"
        return format_html_join(
            "", "<div>{}: {}</div>", sorted(obj.results.items(), key=lambda item: item[0])
        )

    @admin.display(description="HTML part")
    def preview(self, obj):
        if obj.sensitive:
            return HIDDEN
        if not obj.pk or not obj.html_body:
            return "(no HTML part)"
        url = reverse("admin:notifications_outboundemail_preview", args=[obj.pk])
        return format_html(
            '<iframe src="{}" sandbox="" title="Preview of the HTML part" '
            'width="100%" height="520" class="outbox-preview"></iframe>',
            url,
        )

    @admin.display(description="Text part")
    def text_part(self, obj):
        return HIDDEN if obj.sensitive else obj.text_body

    @admin.display(description="HTML source")
    def html_source(self, obj):
        if obj.sensitive:
            return HIDDEN
        return format_html('<pre class="outbox-source">{}</pre>', obj.html_body)

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
        email = get_object_or_404(OutboundEmail, pk=pk, sensitive=False)
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
