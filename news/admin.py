"""News publishing for alliance staff: thin, every change goes through news.services."""

from django.contrib import admin, messages
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html

from cnca.servicekit import StaleState

from . import services
from .models import NewsItem, StatusChange, Subscriber, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    fields = ["at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "History"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    show_full_result_count = False  # tens of thousands of rows: count them once
    list_display = ["title", "status", "publish_at", "public_now", "author"]
    list_filter = ["status", "tags"]
    list_select_related = ["author"]
    search_fields = ["title", "summary"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["cities", "tags"]
    filter_horizontal = ["rounds"]
    readonly_fields = ["preview_link", "author", "mailed_at", "created_at", "updated_at"]
    inlines = [StatusChangeInline]
    actions = ["publish_now", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        (
            "Publishing",
            {
                "fields": ["status", "publish_at", "email_subscribers", "preview_link"],
                "description": (
                    "A draft is seen by staff only. A scheduled item becomes public at its "
                    "time; a published one is public now. Preview an item before it goes out."
                ),
            },
        ),
        ("Picture", {"fields": ["image", "image_alt"]}),
        ("Related", {"fields": ["tags", "cities", "rounds", "source_title", "source_url"]}),
        ("Record", {"fields": ["author", "mailed_at", "created_at", "updated_at"]}),
    ]

    @admin.display(description="Public now", boolean=True)
    def public_now(self, obj):
        return obj.is_public()

    @admin.display(description="Preview")
    def preview_link(self, obj):
        if obj is None or obj.pk is None:
            return "Save the item (as a draft) to preview it."
        return format_html(
            '<a href="{}">Preview this item as the public will see it</a>',
            reverse("news:preview", args=[obj.pk]),
        )

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            services.save_item(
                obj,
                actor=request.user,
                image_changed="image" in form.changed_data,
                # A new item counts as coming from draft: creating one published is a move.
                previous_status=form.initial.get("status") if change else NewsItem.Status.DRAFT,
            )

    @admin.action(description="Publish the selected items now", permissions=["change"])
    def publish_now(self, request, queryset):
        self._move(request, queryset, services.publish_now, "published")

    @admin.action(description="Take the selected items back to draft", permissions=["change"])
    def unpublish(self, request, queryset):
        self._move(request, queryset, services.unpublish, "taken back to draft")

    def _move(self, request, queryset, service, done):
        moved, unchanged = 0, []
        for item in queryset:
            try:
                with transaction.atomic():
                    service(item, actor=request.user)
                moved += 1
            except StaleState:
                unchanged.append(item.title)
        if moved:
            self.message_user(request, f"{moved} item(s) {done}.", messages.SUCCESS)
        if unchanged:
            self.message_user(
                request,
                f"Already {done}, left as they were: {', '.join(unchanged)}.",
                messages.WARNING,
            )


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    show_full_result_count = False  # tens of thousands of rows: count them once
    list_display = ["email", "created_at", "confirmed_at"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    readonly_fields = ["email", "created_at", "confirmed_at"]

    def has_add_permission(self, request):
        # People subscribe themselves (double opt-in); staff cannot sign anyone up.
        return False
