"""Showing a round's moments in its own time zone, with the UTC offset."""

from django import template
from django.utils import timezone
from django.utils.timesince import timeuntil

register = template.Library()


def _offset(moment):
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "\u2212"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


@register.filter
def in_round_zone(moment, fund_round):
    """'3 March 2027, 17:00 PST (UTC-08:00)' (a true minus sign in the offset).

    The date alone for a round whose dates are known to the day only.
    """
    if moment is None:
        return "not known"
    local = timezone.localtime(moment, fund_round.zone)
    if fund_round.dates_to_the_day:
        return f"{local.day} {local:%B %Y}"
    return f"{local.day} {local:%B %Y, %H:%M} {local.tzname()} ({_offset(local)})"


@register.filter
def time_left(moment):
    """'12 days, 3 hours' until ``moment``, or '' when it has passed."""
    if moment is None or moment <= timezone.now():
        return ""
    return timeuntil(moment)


@register.filter
def status_label(value):
    """A proposal status as people read it: 'full_submitted' -> 'Full proposal submitted'."""
    from innovation_fund.models import Proposal

    try:
        return Proposal.Status(value).label
    except ValueError:
        return value
