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

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from innovation_fund.models import Award, AwardLink, FundRound, PublishedTotal, Theme
from members.models import MemberCity, Supporter
from news.models import NewsItem, Tag
from resources.models import Fuel, Resource, Sector, SpendingComparison, SpendingFigure

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


def sync_rows(model, key, rows, kind, *, create_defaults=None, among=None):
    """Create or update ``model`` rows from ``rows`` (dicts of owned fields).

    ``create_defaults`` are set on rows this creates and never written again
    (e.g. a resource is published when first loaded; an editor may withdraw it).
    ``among`` narrows the rows matched on ``key`` when the key is unique only
    within them (a city's loaded spending total).
    """
    result = StepResult(kind)
    candidates = (model.objects.all() if among is None else among).filter(
        **{f"{key}__in": [row[key] for row in rows]}
    )
    existing = {getattr(obj, key): obj for obj in candidates}
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            obj = model(**row, **(create_defaults or {}))
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


def _source(entry):
    source = entry.get("source") or {}
    return {"source_title": source.get("title") or "", "source_url": source.get("url") or ""}


def _resource_body(entry):
    body = (entry.get("body") or "").strip()
    if entry.get("game_changers"):
        items = "\n".join(
            f"{n}. {item[:1].upper()}{item[1:]}" for n, item in enumerate(entry["game_changers"], 1)
        )
        body = f"The {len(entry['game_changers'])} game changers:\n\n{items}\n\n{body}".strip()
    return body


def resource_rows(facts, *, companions):
    """The Resource fields the facts own: main resources, or (``companions``) the others."""
    rows = []
    for position, entry in enumerate(facts["resources"]):
        if bool(entry.get("companion_of")) != companions:
            continue
        row = {
            "slug": entry["slug"],
            "kind": entry["kind"],
            "title": entry["title"],
            "summary": " ".join(entry["summary"].split()),
            "body": _resource_body(entry),
            "authors": ", ".join(entry.get("authors") or []),
            "published_on": entry.get("released"),
            "date_precision": entry.get("precision") or "day",
            "position": position,
            **_source(entry),
        }
        if companions:
            parent = Resource.objects.only("pk").get(slug=entry["companion_of"])
            row["companion_of_id"] = parent.pk
        rows.append(row)
    return rows


def load_resources(facts):
    results = [
        sync_rows(
            Resource,
            "slug",
            resource_rows(facts, companions=companions),
            "resources",
            create_defaults={"is_published": True},
        )
        for companions in (False, True)
    ]
    total = StepResult("resources")
    for result in results:
        total.created += result.created
        total.updated += result.updated
        total.unchanged += result.unchanged
    return total


def _infographic(facts):
    return next(entry for entry in facts["resources"] if entry["kind"] == "infographic")


def load_spending_figures(facts):
    """The infographic's published figures (a null figure is "not published": no row)."""
    rows = [
        {
            "city": figure["city"],
            "amount_usd": figure["annual_fossil_fuel_spending_usd"],
            "illustrative": False,
            **_source(figure),
        }
        for figure in _infographic(facts).get("known_figures", [])
        if figure["annual_fossil_fuel_spending_usd"] is not None
    ]
    # A loaded figure is the city's yearly total over every sector and fuel;
    # figures staff add with a breakdown are theirs.
    return sync_rows(
        SpendingFigure,
        "city",
        rows,
        "spending figures",
        among=SpendingFigure.objects.filter(sector=Sector.ALL, fuel=Fuel.ALL, illustrative=False),
    )


def load_spending_comparisons(facts):
    rows = [
        {"label": item["label"], "amount_usd": item["amount_usd"], "position": n, **_source(item)}
        for n, item in enumerate(_infographic(facts).get("comparisons", []))
    ]
    return sync_rows(SpendingComparison, "label", rows, "spending comparisons")


def _day(value):
    """A recorded day as a moment: midnight UTC (pages show the day alone)."""
    if value is None:
        return None
    return datetime.combine(value, time(0), tzinfo=UTC)


def round_rows(facts):
    """The historical rounds as the public record gives them: only the dates, year and
    money it records; everything else stays empty ("not known")."""
    rows = []
    for entry in facts["innovation_fund"]["rounds"]:
        call = entry.get("call_for_lois_published")
        notes = []
        if entry.get("proposals_received"):
            notes.append(f"{entry['proposals_received']} proposals received")
        if entry.get("requested_usd"):
            notes.append(f"requesting {entry['requested_usd']:,} USD in all")
        if entry.get("total_awarded_usd"):
            notes.append(f"{entry['total_awarded_usd']:,} USD awarded in all")
        rows.append(
            {
                "slug": entry["name"].lower().replace(" ", "-"),
                "name": entry["name"],
                # The year the record gives, else the year of its call.
                "year": entry.get("year") or (call.year if call else None),
                "description": (
                    "From the public record" + (": " + ", ".join(notes) if notes else "") + "."
                ),
                "is_historical": True,
                "is_demo": False,
                "dates_to_the_day": True,
                "time_zone": "UTC",
                "budget_usd": (
                    Decimal(entry["available_usd"]) if entry.get("available_usd") else None
                ),
                "call_opens_at": _day(call),
                "loi_deadline": _day(entry.get("loi_deadline")),
                "finalists_announced_at": _day(entry.get("finalists_named")),
                "awards_announced_at": _day(entry.get("awards_announced")),
            }
        )
    return rows


def load_rounds(facts):
    return sync_rows(FundRound, "slug", round_rows(facts), "fund rounds")


DEMO_ROUND_SLUG = "demonstration-round"
DEMO_ROUND_ZONE = "America/Los_Angeles"


def demo_round_dates(now):
    """A timeline whose call opened a week before ``now`` and whose letter of intent
    deadline is 30 days after it, at 17:00 in the demo round's zone."""
    zone = zoneinfo.ZoneInfo(DEMO_ROUND_ZONE)
    local = timezone.localtime(now, zone)
    deadline_day = (local + timedelta(days=30)).date()

    def at(day, hour):
        return datetime.combine(day, time(hour), tzinfo=zone)

    loi_deadline = at(deadline_day, 17)
    return {
        "call_opens_at": at((local - timedelta(days=7)).date(), 9),
        "loi_deadline": loi_deadline,
        "loi_scoring_deadline": loi_deadline + timedelta(days=14),
        "finalists_announced_at": loi_deadline + timedelta(days=21),
        "full_proposal_deadline": loi_deadline + timedelta(days=63),
        "full_scoring_deadline": loi_deadline + timedelta(days=84),
        "awards_announced_at": loi_deadline + timedelta(days=100),
    }


def load_demo_round(facts, now=None):
    """One open round to try the applicant journey with, labelled a demonstration.

    Its money comes from Round 3's public figures (650,000 USD available; the
    largest award 200,000 USD). Created once; a later load moves its dates on
    only when its letter of intent deadline has passed, so it stays open.
    """
    now = now or timezone.now()
    result = StepResult("demonstration round")
    awards = [
        award["amount_usd"]
        for entry in facts["innovation_fund"]["rounds"]
        for award in (entry.get("awards") or [])
        if award.get("amount_usd")
    ]
    budgets = [
        e["available_usd"] for e in facts["innovation_fund"]["rounds"] if e.get("available_usd")
    ]
    demo = FundRound.objects.filter(slug=DEMO_ROUND_SLUG).first()
    if demo is None:
        demo = FundRound(
            slug=DEMO_ROUND_SLUG,
            name="Demonstration round",
            is_demo=True,
            time_zone=DEMO_ROUND_ZONE,
            year=timezone.localtime(now).year,
            description=(
                "A demonstration, not a real call: it lets you try the portal's "
                "application journey. Its budget and maximum award repeat Round 3's "
                "public figures."
            ),
            budget_usd=Decimal(max(budgets)) if budgets else None,
            max_award_usd=Decimal(max(awards)) if awards else None,
            **demo_round_dates(now),
        )
        _validate(demo, "fund round", DEMO_ROUND_SLUG)
        demo.save()
        result.created += 1
    elif demo.loi_deadline is None or demo.loi_deadline <= now:
        for name, value in demo_round_dates(now).items():
            setattr(demo, name, value)
        _validate(demo, "fund round", DEMO_ROUND_SLUG)
        demo.save()
        result.updated += 1
    else:
        result.unchanged += 1
    return result


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
    """The dated news of the facts, with their topics, cities and fund rounds.

    Topics, cities and rounds named in the facts are added to an item, never taken
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
    round_slugs = {slug for item in facts["news"] for slug in item.get("rounds") or []}
    rounds = FundRound.objects.in_bulk(round_slugs, field_name="slug")
    if missing := round_slugs - rounds.keys():
        raise ContentError(f"news: no fund round with the slug {', '.join(sorted(missing))}")
    linked_rounds = set(NewsItem.rounds.through.objects.values_list("newsitem_id", "fundround_id"))
    for item in facts["news"]:
        news_item = items[item["slug"]]
        if new_rounds := [
            rounds[slug]
            for slug in item.get("rounds") or []
            if (news_item.pk, rounds[slug].pk) not in linked_rounds
        ]:
            news_item.rounds.add(*new_rounds)
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


# --- The fund's public record: awards and published totals ------------------------


def _award_slug(title):
    return slugify(title)[:120]


def published_total_rows(facts):
    return [
        {
            "label": entry["label"],
            "invested_usd": Decimal(entry["invested_usd"]),
            "projects": entry["projects"],
            "leveraged_usd": (
                Decimal(entry["leveraged_usd"]) if entry.get("leveraged_usd") else None
            ),
            "source_title": entry["source_title"],
            "source_url": entry.get("source_url") or "",
            "position": position,
        }
        for position, entry in enumerate(facts["innovation_fund"].get("published_totals") or [])
    ]


def load_published_totals(facts):
    return sync_rows(PublishedTotal, "label", published_total_rows(facts), "published fund totals")


def _round_slug(entry):
    return entry["name"].lower().replace(" ", "-")


def award_rows(facts):
    """The Award fields the facts own, for every round whose list is in the record.

    A round whose list is not known (``awards: null``) gets no rows: it is not a
    round without awards. Returns (rows, partners by slug, themes by slug,
    links by slug).
    """
    fund = facts["innovation_fund"]
    pages = fund.get("award_pages") or {}
    themes = fund.get("award_themes") or {}
    rounds = FundRound.objects.in_bulk([_round_slug(e) for e in fund["rounds"]], field_name="slug")
    cities = {city.name: city for city in MemberCity.objects.all()}
    rows, partners, theme_slugs, links = [], {}, {}, {}
    for entry in fund["rounds"]:
        if not entry.get("awards"):
            continue
        fund_round = rounds.get(_round_slug(entry))
        if fund_round is None:
            raise ContentError(f"awards: no fund round {entry['name']!r} (load the rounds first)")
        for award in entry["awards"]:
            title = award["title"]
            page = pages.get(title) or {}
            slug = _award_slug(title)
            names = [award["lead_city"], *(award.get("partner_cities") or [])]
            if missing := [name for name in names if name not in cities]:
                raise ContentError(f"award {title!r}: no member city {', '.join(missing)}")
            row = {
                "slug": slug,
                "title": title,
                "round_id": fund_round.pk,
                "lead_city_id": cities[award["lead_city"]].pk,
                "amount_usd": Decimal(award["amount_usd"]) if award.get("amount_usd") else None,
                "announced_on": entry.get("awards_announced"),
                "source": award.get("source") or entry.get("source") or "",
            }
            # Text the facts do not give is the editors' to write in the admin.
            if page.get("summary"):
                row["public_summary"] = " ".join(page["summary"].split())
            if page.get("other_partners"):
                row["other_partners"] = "\n".join(page["other_partners"])
            rows.append(row)
            partners[slug] = [cities[name] for name in award.get("partner_cities") or []]
            theme_slugs[slug] = themes.get(title) or []
            links[slug] = page.get("links") or []
    return rows, partners, theme_slugs, links


def load_awards(facts):
    """The awards of the rounds whose lists are public, with partners, themes and links.

    Partner cities, themes and links the facts name are added, never taken
    away, so what staff added in the admin stays. A round's published total is
    written where its awards' own amounts were not all published.
    """
    fund = facts["innovation_fund"]
    totals = {
        _round_slug(entry): Decimal(entry["total_awarded_usd"])
        for entry in fund["rounds"]
        if entry.get("total_awarded_usd")
    }
    for fund_round in FundRound.objects.filter(slug__in=totals):
        if fund_round.awarded_total_usd != totals[fund_round.slug]:
            fund_round.awarded_total_usd = totals[fund_round.slug]
            fund_round.save(update_fields=["awarded_total_usd", "updated_at"])
    rows, partners, theme_slugs, links = award_rows(facts)
    result = sync_rows(Award, "slug", rows, "awards")
    awards = Award.objects.in_bulk(list(partners), field_name="slug")
    themes = Theme.objects.in_bulk(field_name="slug")
    # The fixed themes are made by a migration; a flushed database (tests) lacks them.
    for position, (slug, name) in enumerate(Theme.Slug.choices):
        if slug not in themes:
            themes[slug] = Theme.objects.create(slug=slug, name=name, position=position)
    linked_cities = set(
        Award.partner_cities.through.objects.values_list("award_id", "membercity_id")
    )
    linked_themes = set(Award.themes.through.objects.values_list("award_id", "theme_id"))
    known_links = set(AwardLink.objects.values_list("award_id", "url"))
    for slug, award in awards.items():
        if new := [c for c in partners[slug] if (award.pk, c.pk) not in linked_cities]:
            award.partner_cities.add(*new)
        if unknown := [name for name in theme_slugs[slug] if name not in themes]:
            raise ContentError(f"award {award.title!r}: no theme {', '.join(unknown)}")
        if new := [
            themes[name]
            for name in theme_slugs[slug]
            if (award.pk, themes[name].pk) not in linked_themes
        ]:
            award.themes.add(*new)
        for position, link in enumerate(links[slug]):
            if (award.pk, link["url"]) not in known_links:
                AwardLink.objects.create(
                    award=award, label=link["label"], url=link["url"], position=position
                )
    return result


STEPS = [
    load_cities,
    load_supporters,
    load_rounds,
    load_demo_round,
    load_published_totals,
    load_awards,
    load_news,  # after the rounds it links to
    load_resources,
    load_spending_figures,
    load_spending_comparisons,
]


def load_content(facts=None):
    """Run every step in one transaction; returns one StepResult per step."""
    if facts is None:
        facts = load_facts()
    with transaction.atomic():
        return [step(facts) for step in STEPS]
