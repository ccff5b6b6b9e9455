"""Reusable reads of resources and of the infographic's figures."""

from django.db.models import Prefetch

from .models import Fuel, Resource, Sector, SpendingComparison, SpendingFigure


def public_resources():
    """The one queryset of what a visitor may see."""
    return Resource.objects.public()


def resource_index():
    """Main resources with their public companions: two queries whatever the count.

    Only what the list shows: the bodies (the framework's is long) stay in the database.
    """
    cards = ("kind", "title", "slug", "summary", "published_on", "date_precision")
    companions = public_resources().only("title", "slug", "companion_of")
    return (
        public_resources()
        .filter(companion_of__isnull=True)
        .only(*cards)
        .prefetch_related(Prefetch("companions", queryset=companions))
    )


def resource_page(slug):
    """One public resource with what accompanies it (a companion names its parent)."""
    return (
        public_resources()
        .select_related("companion_of")
        .prefetch_related(Prefetch("companions", queryset=public_resources()))
        .filter(slug=slug)
    )


def spending_figures():
    return list(SpendingFigure.objects.all())


def headline_figure(figures):
    """The largest real (sourced) city-wide figure, which the comparisons are measured by."""
    real_totals = [
        figure
        for figure in figures
        if not figure.illustrative and figure.sector == Sector.ALL and figure.fuel == Fuel.ALL
    ]
    return max(real_totals, key=lambda figure: figure.amount_usd, default=None)


def spending_comparisons():
    return list(SpendingComparison.objects.all())
