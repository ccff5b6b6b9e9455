from django.contrib import admin
from django.template.defaultfilters import filesizeformat

from .models import Resource, SpendingComparison, SpendingFigure


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "published_on", "is_published", "companion_of", "has_file"]
    list_filter = ["kind", "is_published"]
    list_select_related = ["companion_of"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["companion_of"]
    readonly_fields = ["file_details", "updated_at"]
    fieldsets = (
        (None, {"fields": ("title", "slug", "kind", "is_published", "position")}),
        ("Content", {"fields": ("summary", "body", "authors", "companion_of")}),
        ("Date", {"fields": ("published_on", "date_precision")}),
        ("File", {"fields": ("file", "file_details")}),
        ("Citation", {"fields": ("source_title", "source_url")}),
        (None, {"fields": ("updated_at",)}),
    )

    @admin.display(boolean=True, description="file")
    def has_file(self, resource):
        return bool(resource.file)

    @admin.display(description="file found to be")
    def file_details(self, resource):
        if not resource.file:
            return "No file"
        return f"{resource.file_type}, {filesizeformat(resource.file_size or 0)}"


@admin.register(SpendingFigure)
class SpendingFigureAdmin(admin.ModelAdmin):
    list_display = ["city", "year", "sector", "fuel", "amount_usd", "illustrative", "source_title"]
    list_filter = ["illustrative", "sector", "fuel"]
    list_editable = ["amount_usd", "illustrative"]
    search_fields = ["city", "source_title"]


@admin.register(SpendingComparison)
class SpendingComparisonAdmin(admin.ModelAdmin):
    list_display = ["label", "amount_usd", "source_title", "position"]
    search_fields = ["label"]
