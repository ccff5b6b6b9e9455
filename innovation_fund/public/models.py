"""Figures the alliance published about the fund as a whole."""

from django.db import models


class PublishedTotal(models.Model):
    """A total the alliance published for a period, shown beside the portal's own sums.

    The portal's totals are added up from its award records; the alliance's own
    statement (e.g. "from 2015 to 2019 it invested $3,255,496 in 36 projects")
    covers awards the record does not list one by one, so both are shown, each
    with its source.
    """

    label = models.CharField(max_length=60, unique=True, help_text="e.g. 2015-2019")
    invested_usd = models.DecimalField("invested (USD)", max_digits=14, decimal_places=2)
    projects = models.PositiveIntegerField()
    leveraged_usd = models.DecimalField(
        "leveraged from other sources (USD)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    source_title = models.CharField(max_length=200)
    source_url = models.URLField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        app_label = "innovation_fund"
        ordering = ["position", "pk"]

    def __str__(self):
        return f"Published total {self.label}"
