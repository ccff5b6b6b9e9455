"""The rounds' deadlines and dates as iCalendar feeds.

Each moment is written in the round's own time zone (with its VTIMEZONE), so
a calendar shows 17:00 in Portland as 17:00 Portland time on either side of a
daylight-saving change. Dates the record gives to the day only (the
historical rounds) become all-day events.
"""

from datetime import timedelta

from django.conf import settings
from icalendar import Calendar, Event

from cnca.notifications.conf import conf as outbox_conf

from ..models import FundRound

PRODID = "-//Carbon Neutral Cities Alliance//CNCA portal//EN"

# The dates the public follows; the committee's scoring deadlines stay internal.
PUBLIC_DATES = tuple(
    (field, label) for field, label in FundRound.TIMELINE if "scoring" not in field
)


def _event(fund_round, field, label, stamp):
    moment = getattr(fund_round, field)
    event = Event()
    # The outbox's domain for generated ids (its settings live in its own conf).
    event.add("uid", f"{fund_round.slug}-{field}@{outbox_conf.MESSAGE_ID_DOMAIN}")
    event.add("dtstamp", stamp)
    name = f"{fund_round} - {label[0].upper()}{label[1:]}"
    event.add("summary", name)
    event.add("url", settings.SITE_URL + fund_round.get_absolute_url())
    if fund_round.dates_to_the_day:
        day = moment.astimezone(fund_round.zone).date()
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
    else:
        local = moment.astimezone(fund_round.zone)
        event.add("dtstart", local)
        event.add("dtend", local)
    event.add("description", f"{name}. Details: {settings.SITE_URL}{fund_round.get_absolute_url()}")
    return event


def deadlines_calendar(rounds, *, name):
    """A VCALENDAR with one event per date each round has set."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for fund_round in rounds:
        for field, label in PUBLIC_DATES:
            if getattr(fund_round, field) is not None:
                calendar.add_component(_event(fund_round, field, label, fund_round.updated_at))
    calendar.add_missing_timezones()
    return calendar.to_ical()
