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
from datetime import UTC, datetime, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from members.models import MemberCity, Supporter
from news.models import NewsItem, Tag

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


def news_rows(facts):
    """The NewsItem fields the facts own: published at the start of their day (UTC)."""
    return [
        {
            "slug": item["slug"],
            "title": item["title"],
            "status": NewsItem.Status.PUBLISHED,
            "publish_at": datetime.combine(item["date"], time.min, tzinfo=UTC),
            "summary": " ".join(item["summary"].split()),
            "body": item["body"].strip(),
            "source_title": item.get("source_title") or "",
            "source_url": item.get("source_url") or "",
            # History, not an announcement: nobody is emailed about it.
            "email_subscribers": False,
        }
        for item in facts["news"]
    ]


def load_news(facts):
    """The dated news of the facts, with their topics and cities.

    Topics and cities named in the facts are added to an item, never taken
    away: what an editor linked in the admin stays.
    """
    result = sync_rows(NewsItem, "slug", news_rows(facts), "news")
    items = NewsItem.objects.in_bulk([item["slug"] for item in facts["news"]], field_name="slug")
    names = {name for item in facts["news"] for name in item.get("tags") or []}
    tags = {}
    for name in sorted(names):
        tags[name], _ = Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    city_slugs = {slug for item in facts["news"] for slug in item.get("cities") or []}
    cities = MemberCity.objects.in_bulk(city_slugs, field_name="slug")
    if missing := city_slugs - cities.keys():
        raise ContentError(f"news: no city with the slug {', '.join(sorted(missing))}")
    # Only links that are missing are written: a reload of unchanged facts writes nothing.
    linked_tags = set(NewsItem.tags.through.objects.values_list("newsitem_id", "tag_id"))
    linked_cities = set(NewsItem.cities.through.objects.values_list("newsitem_id", "membercity_id"))
    for item in facts["news"]:
        news_item = items[item["slug"]]
        if new_tags := [
            tags[name]
            for name in item.get("tags") or []
            if (news_item.pk, tags[name].pk) not in linked_tags
        ]:
            news_item.tags.add(*new_tags)
        if new_cities := [
            cities[slug]
            for slug in item.get("cities") or []
            if (news_item.pk, cities[slug].pk) not in linked_cities
        ]:
            news_item.cities.add(*new_cities)
    return result


STEPS = [load_cities, load_supporters, load_news]


def load_content(facts=None):
    """Run every step in one transaction; returns one StepResult per step."""
    if facts is None:
        facts = load_facts()
    with transaction.atomic():
        return [step(facts) for step in STEPS]
