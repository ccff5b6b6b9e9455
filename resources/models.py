"""The alliance's resources (the framework, its companions, reports, the infographic)
and the figures behind the fossil-fuel spending infographic."""

import uuid

from django.db import models
from django.urls import reverse
from django.utils.dateformat import format as format_date

from cnca.links import slug_url
from cnca.richtext import markdown_to_html

from .files import checked_content, extension_of, validate_resource_file


class ResourceQuerySet(models.QuerySet):
    def public(self):
        """What a visitor may see: published resources only."""
        return self.filter(is_published=True)


def resource_upload_to(instance, filename):
    # The stored name never comes from the uploader: a random name and the
    # extension of the type the content was found to be.
    return f"resources/{uuid.uuid4().hex}{extension_of(instance.file_type)}"


class Resource(models.Model):
    """A publication of the alliance, with its page on the site."""

    class Kind(models.TextChoices):
        FRAMEWORK = "framework", "Framework"
        EXECUTIVE_SUMMARY = "executive_summary", "Executive summary"
        PLAN_OUTLINE = "plan_outline", "Plan outline"
        REPORT = "report", "Report"
        INFOGRAPHIC = "infographic", "Infographic"

    class DatePrecision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"
        YEAR = "year", "Year"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(help_text="One or two sentences, shown in lists and search.")
    body = models.TextField(
        blank=True, help_text="Markdown. Raw HTML, scripts and unsafe links are removed."
    )
    body_html = models.TextField(editable=False, blank=True)
    authors = models.CharField(max_length=300, blank=True)
    published_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the alliance released it. For a month or a year only, pick its "
        "first day and set the precision. Leave empty when not known.",
    )
    date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How much of the date is known.",
    )
    companion_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="companions",
        help_text="The main resource this one accompanies (e.g. the framework of its "
        "executive summary).",
    )
    file = models.FileField(
        upload_to=resource_upload_to,
        blank=True,
        validators=[validate_resource_file],
        help_text="A PDF, or a PNG or JPEG image; checked by its content, whatever its name.",
    )
    file_type = models.CharField(max_length=50, editable=False, blank=True)
    file_size = models.PositiveBigIntegerField(editable=False, null=True, blank=True)
    source_title = models.CharField(
        "source", max_length=200, blank=True, help_text="Who published it, as cited on the page."
    )
    source_url = models.URLField("source address", max_length=500, blank=True)
    is_published = models.BooleanField(
        "published", default=False, help_text="Shown to the public when ticked."
    )
    position = models.PositiveSmallIntegerField(
        default=100, help_text="Order on the resources page (smallest first)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResourceQuerySet.as_manager()

    # Full-text search weights (cnca/search.py and the GIN index in the migrations).
    SEARCH_FIELDS = {"title": "A", "summary": "B", "body": "C"}

    class Meta:
        ordering = ["position", models.F("published_on").desc(nulls_last=True), "title"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(companion_of=models.F("pk")),
                name="resource_not_its_own_companion",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = markdown_to_html(self.body)
        if self.file and not self.file._committed:
            # What is stored is what the check passed (an image re-encoded).
            content, self.file_type = checked_content(self.file)
            self.file.save(content.name, content, save=False)
            self.file_size = self.file.size
        elif not self.file:
            self.file_type, self.file_size = "", None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("resources:detail", self.slug)

    def get_download_url(self):
        return reverse("resources:download", kwargs={"slug": self.slug})

    @property
    def released_label(self):
        """The release date as far as it is known ("December 2015", "2018"), or ""."""
        if self.published_on is None:
            return ""
        pattern = {"year": "Y", "month": "F Y"}.get(self.date_precision, "j F Y")
        return format_date(self.published_on, pattern)

    @property
    def released_iso(self):
        """The same, for a ``<time datetime>``: 2015-12, 2018 or 2015-12-01."""
        if self.published_on is None:
            return ""
        length = {"year": 4, "month": 7}.get(self.date_precision, 10)
        return self.published_on.isoformat()[:length]


class Sector(models.TextChoices):
    ALL = "all", "All sectors"
    RESIDENTIAL = "residential", "Homes"
    COMMERCIAL = "commercial", "Businesses"
    INDUSTRIAL = "industrial", "Industry"
    TRANSPORT = "transport", "Transport"
    MUNICIPAL = "municipal", "City government"


class Fuel(models.TextChoices):
    ALL = "all", "All fossil fuels"
    GASOLINE = "gasoline", "Gasoline"
    DIESEL = "diesel", "Diesel"
    NATURAL_GAS = "natural_gas", "Natural gas"
    HEATING_OIL = "heating_oil", "Heating oil"
    COAL = "coal", "Coal"
    FOSSIL_ELECTRICITY = "fossil_electricity", "Electricity from fossil fuels"


class SpendingFigure(models.Model):
    """What a city spends on fossil fuels in a year: one bar of the infographic.

    A figure from a published source is real; any other figure must be marked
    illustrative, and the page says so beside it.
    """

    city = models.CharField(max_length=120)
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave empty when the source gives no year."
    )
    sector = models.CharField(max_length=20, choices=Sector.choices, default=Sector.ALL)
    fuel = models.CharField(max_length=20, choices=Fuel.choices, default=Fuel.ALL)
    amount_usd = models.DecimalField(
        "amount (US$ a year)", max_digits=15, decimal_places=0, help_text="Whole US dollars."
    )
    source_title = models.CharField("source", max_length=200, blank=True)
    source_url = models.URLField("source address", max_length=500, blank=True)
    illustrative = models.BooleanField(
        default=True,
        help_text="Untick only for a figure taken from a published source (give the source).",
    )
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["position", "-amount_usd", "city"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(illustrative=True)
                | ~models.Q(source_title="")
                | ~models.Q(source_url=""),
                name="spending_real_figure_has_source",
                violation_error_message="A figure that is not illustrative needs its source "
                "(a title or an address).",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_usd__gt=0),
                name="spending_amount_positive",
                violation_error_message="The amount must be more than zero.",
            ),
        ]

    def __str__(self):
        year = f" {self.year}" if self.year else ""
        return f"{self.city}{year}: {self.get_sector_display()}, {self.get_fuel_display()}"

    @property
    def label(self):
        """The figure's name on the chart: the city, then any breakdown."""
        parts = [self.city]
        if self.sector != Sector.ALL:
            parts.append(self.get_sector_display())
        if self.fuel != Fuel.ALL:
            parts.append(self.get_fuel_display())
        return ", ".join(parts)


class SpendingComparison(models.Model):
    """A sum from the public record that a year of fossil-fuel spending dwarfs
    ("what that money could fund")."""

    label = models.CharField(max_length=200, unique=True)
    amount_usd = models.DecimalField(
        "amount (US$)", max_digits=15, decimal_places=0, help_text="Whole US dollars."
    )
    source_title = models.CharField("source", max_length=200, blank=True)
    source_url = models.URLField("source address", max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["position", "amount_usd"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_usd__gt=0), name="comparison_amount_positive"
            ),
        ]

    def __str__(self):
        return self.label
