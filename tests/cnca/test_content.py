"""The real CNCA content: the project's data file and `load_cnca_content`."""

import datetime
import re
from decimal import Decimal
from io import StringIO

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cnca.content import FACTS_PATH, alliance_facts, load_facts
from members.models import MemberCity, Region, Supporter
from members.queries import supporters_by_role

REGION_OF_COUNTRY = {
    "US": Region.NORTH_AMERICA,
    "CA": Region.NORTH_AMERICA,
    "BR": Region.SOUTH_AMERICA,
    "AU": Region.OCEANIA,
    "JP": Region.ASIA,
    **dict.fromkeys(["DE", "DK", "GB", "NO", "SE", "FI"], Region.EUROPE),
}


def load(*args):
    out = StringIO()
    call_command("load_cnca_content", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return (
        list(MemberCity.objects.order_by("pk").values()),
        list(Supporter.objects.order_by("pk").values()),
    )


def write_facts(tmp_path, facts):
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump(facts, allow_unicode=True), encoding="utf-8")
    return str(path)


# --- The data file --------------------------------------------------------------


def test_the_data_file_lives_in_the_project():
    assert FACTS_PATH.is_relative_to(settings.BASE_DIR / "cnca" / "content")
    assert FACTS_PATH.is_file()


def test_every_city_keeps_its_source_and_derived_fields_come_from_its_target():
    cities = load_facts()["cities"]
    assert len(cities) == 21
    assert len({city["slug"] for city in cities}) == 21
    for city in cities:
        assert city["source"], city["name"]
        assert city["region"] == REGION_OF_COUNTRY[city["country"]], city["name"]
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", city["slug"]), city["slug"]
        assert city["joined"] is None
        if city["reduction_percent"] is not None:
            assert f"{city['reduction_percent']}%" in city["target"], city["name"]
        if city["baseline_year"] is not None:
            assert city["reduction_percent"] is not None, city["name"]
            assert str(city["baseline_year"]) in city["target"], city["name"]


def test_alliance_facts_for_the_pages():
    facts = alliance_facts()
    assert set(facts) == {
        "name",
        "short_name",
        "tagline",
        "tagline_source",
        "mission",
        "staffed_by",
        "partners",
        "funders",
        "formed",
        "launched",
        "governance",
        "membership_criteria",
        "joining_process",
    }
    assert facts["short_name"] == "CNCA"
    assert facts["launched"]["date"] == datetime.date(2015, 3, 30)
    assert len(facts["membership_criteria"]["items"]) == 4
    assert len(facts["mission"]["paragraphs"]) == 2
    for key in ("mission", "formed", "launched", "governance", "membership_criteria"):
        assert facts[key]["source"], key
    assert facts["joining_process"]["source"]


def test_alliance_facts_hands_out_copies():
    alliance_facts()["membership_criteria"]["items"].clear()
    assert len(alliance_facts()["membership_criteria"]["items"]) == 4


# --- Loading --------------------------------------------------------------------


@pytest.mark.django_db
def test_load_creates_the_cities_and_supporters():
    output = load()

    assert "cities: 21 created, 0 updated, 0 unchanged" in output
    assert "supporters: 8 created, 0 updated, 0 unchanged" in output
    assert MemberCity.objects.count() == 21
    assert MemberCity.objects.filter(founding_member=True).count() == 17
    assert MemberCity.objects.filter(status=MemberCity.Status.MEMBER).count() == 21
    per_country = {}
    for city in MemberCity.objects.all():
        per_country[city.country.code] = per_country.get(city.country.code, 0) + 1
    assert per_country == {
        "US": 8,
        "AU": 3,
        "CA": 2,
        "DE": 1,
        "DK": 1,
        "GB": 1,
        "NO": 1,
        "SE": 1,
        "FI": 1,
        "JP": 1,
        "BR": 1,
    }
    assert set(MemberCity.objects.values_list("slug", flat=True)) >= {
        "portland",
        "new-york-city",
        "washington-dc",
        "rio-de-janeiro",
        "san-francisco",
    }
    assert not MemberCity.objects.filter(joined__isnull=False).exists()


@pytest.mark.django_db
def test_portland_as_loaded():
    load()
    portland = MemberCity.objects.get(slug="portland")
    assert portland.name == "Portland"
    assert portland.country.code == "US"
    assert portland.region == Region.NORTH_AMERICA
    assert portland.founding_member is True
    assert portland.joined is None
    assert portland.target == "40% below 1990 by 2030, 80% by 2050 (2015 Climate Action Plan)"
    assert portland.target_year == 2050
    assert portland.reduction_percent == 80
    assert portland.baseline_year == 1990
    assert portland.target_source == "carbonneutralcities.org/cities/portland/"
    # Nothing the facts do not hold is invented.
    assert (portland.summary, portland.website, portland.photo.name) == ("", "", "")
    # Coordinates come from the facts' city_coordinates, as written there.
    assert (portland.latitude, portland.longitude) == (Decimal("45.5152"), Decimal("-122.6784"))


def test_every_city_has_coordinates_in_the_facts():
    facts = load_facts()
    coordinates = facts["city_coordinates"]
    assert {city["name"] for city in facts["cities"]} == set(coordinates)
    for name, (latitude, longitude) in coordinates.items():
        assert -90 <= latitude <= 90, name
        assert -180 <= longitude <= 180, name


@pytest.mark.django_db
def test_a_city_without_coordinates_in_the_facts_keeps_the_editors(tmp_path):
    facts = load_facts()
    del facts["city_coordinates"]["Boston"]
    load()
    MemberCity.objects.filter(slug="boston").update(latitude=Decimal("42.1"))

    load("--file", write_facts(tmp_path, facts))

    assert MemberCity.objects.get(slug="boston").latitude == Decimal("42.1")


@pytest.mark.django_db
def test_targets_that_are_not_a_percentage_stay_empty():
    load()
    copenhagen = MemberCity.objects.get(slug="copenhagen")
    assert (copenhagen.target_year, copenhagen.reduction_percent) == (2025, None)
    yokohama = MemberCity.objects.get(slug="yokohama")
    assert (yokohama.reduction_percent, yokohama.baseline_year) == (80, None)
    minneapolis = MemberCity.objects.get(slug="minneapolis")
    assert (minneapolis.target_year, minneapolis.reduction_percent) == (2025, 30)
    assert minneapolis.baseline_year == 2006


@pytest.mark.django_db
def test_load_creates_the_supporters_in_order():
    load()
    assert Supporter.objects.filter(role=Supporter.Role.STAFF).count() == 1
    assert Supporter.objects.filter(role=Supporter.Role.PARTNER).count() == 2
    assert Supporter.objects.filter(role=Supporter.Role.FUNDER).count() == 5
    usdn = Supporter.objects.get(role=Supporter.Role.STAFF)
    assert (usdn.name, usdn.short_name) == ("Urban Sustainability Directors Network", "USDN")
    supporters = supporters_by_role()
    assert [s["short_name"] for s in supporters["partner"]] == ["INC", "C40"]
    assert [s["name"] for s in supporters["funder"]] == [
        "Kresge Foundation",
        "Barr Foundation",
        "V. Kann Rasmussen Foundation",
        "Rockefeller Brothers Fund",
        "Summit Foundation",
    ]


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    load()
    before = snapshot()

    with CaptureQueriesContext(connection) as queries:
        output = load()

    assert snapshot() == before
    assert "cities: 0 created, 0 updated, 21 unchanged" in output
    assert "supporters: 0 created, 0 updated, 8 unchanged" in output
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert writes == []


@pytest.mark.django_db
def test_what_editors_add_survives_a_reload():
    load()
    MemberCity.objects.filter(slug="portland").update(
        summary="Portland's own words.",
        website="https://www.portland.gov/bps",
        photo_alt="The Willamette river",
        joined=datetime.date(2015, 3, 30),
        status=MemberCity.Status.FORMER,
    )
    Supporter.objects.filter(short_name="USDN").update(website="https://www.usdn.org")

    output = load()

    portland = MemberCity.objects.get(slug="portland")
    assert portland.summary == "Portland's own words."
    assert portland.website == "https://www.portland.gov/bps"
    assert portland.photo_alt == "The Willamette river"
    assert portland.joined == datetime.date(2015, 3, 30)
    assert portland.status == MemberCity.Status.FORMER
    assert Supporter.objects.get(short_name="USDN").website == "https://www.usdn.org"
    assert "cities: 0 created, 0 updated, 21 unchanged" in output


@pytest.mark.django_db
def test_a_fact_the_data_owns_is_put_back():
    load()
    MemberCity.objects.filter(slug="boston").update(target_year=2099, founding_member=False)

    output = load()

    boston = MemberCity.objects.get(slug="boston")
    assert (boston.target_year, boston.founding_member) == (2050, True)
    assert "cities: 0 created, 1 updated, 20 unchanged" in output


@pytest.mark.django_db
def test_a_changed_fact_in_the_data_is_updated(tmp_path):
    load()
    MemberCity.objects.filter(slug="helsinki").update(summary="Kept.")
    facts = load_facts()
    helsinki = next(city for city in facts["cities"] if city["slug"] == "helsinki")
    helsinki.update(target="Carbon neutral by 2030", target_year=2030)
    helsinki["joined"] = datetime.date(2016, 5, 1)
    facts["alliance"]["funders"].append({"name": "A New Foundation", "source": "test"})

    output = load("--file", write_facts(tmp_path, facts))

    assert "cities: 0 created, 1 updated, 20 unchanged" in output
    assert "supporters: 1 created, 0 updated, 8 unchanged" in output
    helsinki = MemberCity.objects.get(slug="helsinki")
    assert (helsinki.target, helsinki.target_year) == ("Carbon neutral by 2030", 2030)
    assert helsinki.joined == datetime.date(2016, 5, 1)
    assert helsinki.summary == "Kept."
    assert Supporter.objects.get(name="A New Foundation").position == 5
    assert MemberCity.objects.count() == 21


@pytest.mark.django_db
def test_bad_data_loads_nothing(tmp_path):
    facts = load_facts()
    facts["cities"][-1]["reduction_percent"] = 180

    with pytest.raises(CommandError, match=r"Nothing was loaded\. cities 'toronto'"):
        load("--file", write_facts(tmp_path, facts))

    assert MemberCity.objects.count() == 0
    assert Supporter.objects.count() == 0


def test_a_missing_data_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        load("--file", str(tmp_path / "nowhere.yaml"))
