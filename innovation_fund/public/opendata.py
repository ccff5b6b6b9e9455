"""The awards as open data: CSV and JSON, streamed, with stable field names.

The fields are documented on the open data page (``FIELDS`` feeds it): renaming
one breaks every script that reads the files, so add fields, never rename.
"""

import csv
import json
from decimal import Decimal

from django.conf import settings

# (name, description) in column order.
FIELDS = (
    ("slug", "The award's stable identifier; its page is /innovation-fund/awards/<slug>/."),
    ("title", "The project's title."),
    ("round", "The fund round's name."),
    ("round_slug", "The fund round's identifier."),
    ("year", "The round's year, where known."),
    ("lead_city", "The member city leading the project."),
    ("lead_city_slug", "The lead city's identifier; its page is /cities/<slug>/."),
    ("partner_cities", "Member cities partnering on it (JSON: a list; CSV: separated by '; ')."),
    ("other_partners", "Non-member cities and organisations (same form as partner_cities)."),
    ("themes", "Its themes (same form as partner_cities)."),
    ("amount_usd", "The award in US dollars, a number; empty (JSON: null) when not published."),
    ("co_funding_usd", "Co-funding recorded, in US dollars; empty (JSON: null) when not recorded."),
    ("announced_on", "The day the award was announced (YYYY-MM-DD), where known."),
    ("url", "The award's page on this portal."),
)
FIELD_NAMES = tuple(name for name, _ in FIELDS)
CHUNK = 500


def award_record(award):
    """One award as a dict of the documented fields (lists and numbers kept typed)."""
    return {
        "slug": award.slug,
        "title": award.title,
        "round": award.round.name,
        "round_slug": award.round.slug,
        "year": award.round.year,
        "lead_city": award.lead_city.name,
        "lead_city_slug": award.lead_city.slug,
        "partner_cities": [city.name for city in award.partner_cities.all()],
        "other_partners": [
            line.strip() for line in award.other_partners.splitlines() if line.strip()
        ],
        "themes": [theme.name for theme in award.themes.all()],
        "amount_usd": award.amount_usd,
        "co_funding_usd": award.co_funding_usd,
        "announced_on": award.announced_on.isoformat() if award.announced_on else None,
        "url": settings.SITE_URL + award.get_absolute_url(),
    }


def _records(awards):
    for award in awards.iterator(chunk_size=CHUNK):
        yield award_record(award)


class _Echo:
    """A file-like object whose write returns the line, for csv.writer to stream."""

    def write(self, value):
        return value


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, Decimal):
        return _number(value)
    return value


def _number(value):
    """2500.00 -> "2500", 2500.50 -> "2500.5": a plain number, no thousands separator."""
    text = format(value.normalize(), "f")
    return text


def csv_rows(awards):
    """The header, then one line per award (strings ready to send)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(FIELD_NAMES)  # the BOM lets spreadsheets read UTF-8
    for record in _records(awards):
        yield writer.writerow([_csv_value(record[name]) for name in FIELD_NAMES])


def _json_default(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_chunks(awards, *, meta):
    """``{"meta": ..., "awards": [...]}`` written piece by piece."""
    yield '{"meta": ' + json.dumps(meta) + ', "awards": ['
    first = True
    for record in _records(awards):
        yield ("" if first else ",") + "\n" + json.dumps(record, default=_json_default)
        first = False
    yield "\n]}\n"
