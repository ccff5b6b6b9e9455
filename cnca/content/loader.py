"""Write the facts of the data file into the database, idempotently.

One function per kind of fact; `STEPS` runs them in order inside one
transaction. A later issue adds its kind (rounds, awards, news, resources) by
writing a `load_<kind>(facts)` function and appending it to `STEPS`.

Each step owns only the fields the facts carry. A row is matched on its key
(a city's slug, a supporter's name); when it exists, only owned fields that
differ are written, so what editors added in the admin (a city's summary,
photo, website, status; a supporter's website) survives a reload, and a run
over unchanged facts writes nothing.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from members.models import MemberCity, Supporter

from .facts import load_facts


class ContentError(Exception):
    """The data file holds a value the database would not accept."""


@dataclass
class StepResult:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return (
            f"{self.kind}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )


def _db_value(field, value):
    # Compare as the database stores it: a CountryField gives Country objects.
    return field.get_prep_value(value)


def _validate(obj, kind, key):
    try:
        obj.full_clean()
    except ValidationError as error:
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
        raise ContentError(f"{kind} {key!r}: {problems}") from error


def sync_rows(model, key, rows, kind):
    """Create or update ``model`` rows from ``rows`` (dicts of owned fields)."""
    result = StepResult(kind)
    existing = model.objects.in_bulk([row[key] for row in rows], field_name=key)
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            obj = model(**row)
            _validate(obj, kind, row[key])
            obj.save()
            result.created += 1
            continue
        changed = []
        for name, value in row.items():
            field = model._meta.get_field(name)
            if _db_value(field, field.value_from_object(obj)) != _db_value(field, value):
                setattr(obj, name, value)
                changed.append(name)
        if changed:
            _validate(obj, kind, row[key])
            obj.save(update_fields=changed)
            result.updated += 1
        else:
            result.unchanged += 1
    return result


def city_rows(facts):
    """The MemberCity fields the facts own, one dict per city."""
    coordinates = facts.get("city_coordinates") or {}
    rows = []
    for city in facts["cities"]:
        row = {
            "slug": city["slug"],
            "name": city["name"],
            "country": city["country"],
            "region": city["region"],
            "founding_member": city["founding"],
            "target": city["target"] or "",
            "target_year": city["target_year"],
            "baseline_year": city["baseline_year"],
            "reduction_percent": city["reduction_percent"],
            "target_source": city["source"] or "",
        }
        # A city without coordinates in the facts keeps what an editor entered.
        if city["name"] in coordinates:
            latitude, longitude = coordinates[city["name"]]
            row["latitude"] = Decimal(str(latitude))
            row["longitude"] = Decimal(str(longitude))
        # A null join date means "not known": an editor may fill it in.
        if city.get("joined"):
            row["joined"] = city["joined"]
        rows.append(row)
    return rows


def supporter_rows(facts):
    """The Supporter fields the facts own: staff, then partners, then funders."""
    alliance = facts["alliance"]
    rows = []
    for role, entries in (
        (Supporter.Role.STAFF, alliance["staffed_by"]),
        (Supporter.Role.PARTNER, alliance["partners"]),
        (Supporter.Role.FUNDER, alliance["funders"]),
    ):
        for position, entry in enumerate(entries):
            rows.append(
                {
                    "name": entry["name"],
                    "short_name": entry.get("short_name") or "",
                    "role": role,
                    "position": position,
                }
            )
    return rows


def load_cities(facts):
    return sync_rows(MemberCity, "slug", city_rows(facts), "cities")


def load_supporters(facts):
    return sync_rows(Supporter, "name", supporter_rows(facts), "supporters")


STEPS = [load_cities, load_supporters]


def load_content(facts=None):
    """Run every step in one transaction; returns one StepResult per step."""
    if facts is None:
        facts = load_facts()
    with transaction.atomic():
        return [step(facts) for step in STEPS]
