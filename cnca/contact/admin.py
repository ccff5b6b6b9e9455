from django.contrib import admin

from .models import ContactMessage


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    """Messages are the visitors' words: staff read them, nobody edits them."""

    list_display = ["received_at", "name", "email", "topic"]
    list_filter = ["topic", "received_at"]
    search_fields = ["name", "email", "message"]
    date_hierarchy = "received_at"
    readonly_fields = ["name", "email", "topic", "message", "received_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Staff may open a message (view permission) but not alter it.
        return False
