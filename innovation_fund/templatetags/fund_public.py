"""Filters of the fund's public pages."""

from django import template

from ..public.money import usd as format_usd

register = template.Library()


@register.filter
def usd(amount):
    """US$ and thousands separators; empty for an unknown amount (the page says why)."""
    return format_usd(amount)
