"""News publishing for alliance staff."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .models import NewsItem, Subscriber, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "publish_at", "author"]
    list_filter = ["status", "tags"]
    list_select_related = ["author"]
    search_fields = ["title", "summary"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["cities", "tags"]
    readonly_fields = ["preview_link", "author", "mailed_at", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        ("Publishing", {"fields": ["status", "publish_at", "email_subscribers", "preview_link"]}),
        ("Lead image", {"fields": ["image", "image_alt"]}),
        ("Related", {"fields": ["tags", "cities", "source_title", "source_url"]}),
        ("Record", {"fields": ["author", "mailed_at", "created_at", "updated_at"]}),
    ]

    @admin.display(description="Preview")
    def preview_link(self, obj):
        if obj is None or obj.pk is None:
            return "Save the item to preview it."
        return format_html(
            '<a href="{}">Preview this item as the public will see it</a>',
            reverse("news:preview", args=[obj.pk]),
        )


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "created_at", "confirmed_at"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    readonly_fields = ["email", "created_at", "confirmed_at"]
