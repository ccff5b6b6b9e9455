from django import template

from resources.chart import format_usd

register = template.Library()


@register.filter
def usd(amount):
    """An amount in US dollars, in words from a million up: ``{{ figure.amount_usd|usd }}``."""
    if amount in (None, ""):
        return ""
    return format_usd(amount)
