"""A city's commitment as a timeline; a target year that has passed says so."""

import pytest
import time_machine
from django.urls import reverse

from members.models import MemberCity
from members.timeline import commitment_timeline, is_fully_dated
from tests.factories import MemberCityFactory


def steps(city, year=2026):
    return [(s.year, s.kind, s.passed) for s in commitment_timeline(city, year)]


def test_baseline_interim_and_target_steps_in_order():
    berlin = MemberCity(
        target="60% below 1990 by 2030, 85% by 2050; 'Climate-neutral Berlin 2050' study (2014)",
        target_year=2050,
        baseline_year=1990,
    )

    assert steps(berlin) == [
        (1990, "baseline", False),
        (2030, "interim", False),
        (2050, "target", False),
    ]
    texts = [step.text for step in commitment_timeline(berlin, 2026)]
    assert texts[1:] == ["60% below 1990 by 2030", "85% by 2050"]


def test_a_target_year_in_the_past_is_marked_passed():
    melbourne = MemberCity(
        target="Zero net emissions by 2020 (strategy 2002, updated 2008)", target_year=2020
    )

    assert steps(melbourne) == [(2020, "target", True)]
    # A comma inside parentheses does not split the clause.
    assert commitment_timeline(melbourne, 2026)[0].text == melbourne.target
    assert steps(melbourne, year=2019) == [(2020, "target", False)]


def test_passed_interim_steps_and_a_current_target():
    sf = MemberCity(
        target="25% below 1990 by 2017, 40% by 2025, 80% by 2050",
        target_year=2050,
        baseline_year=1990,
    )

    assert steps(sf) == [
        (1990, "baseline", False),
        (2017, "interim", True),
        (2025, "interim", True),
        (2050, "target", False),
    ]


def test_a_target_year_without_a_dated_clause_still_shows():
    city = MemberCity(target="Carbon neutral", target_year=2040)

    assert steps(city) == [(2040, "target", False)]
    assert not is_fully_dated(city.target)


def test_two_clauses_for_the_target_year_make_one_target_step():
    yokohama = MemberCity(
        target="Per capita 30% by 2025, 60% by 2050 (2008); 80%+ by 2050, 'Zero Carbon Yokohama'",
        target_year=2050,
    )

    kinds = [kind for _, kind, _ in steps(yokohama)]
    assert kinds.count("target") == 1
    assert commitment_timeline(yokohama, 2026)[-1].text == "80%+ by 2050"


@pytest.mark.django_db
@time_machine.travel("2026-06-01 12:00Z")
def test_city_page_says_plainly_that_the_target_year_has_passed(client):
    MemberCityFactory(
        slug="melbourne",
        name="Melbourne",
        target="Zero net emissions by 2020 (strategy 2002, updated 2008)",
        target_year=2020,
    )

    html = client.get(reverse("members:city_detail", kwargs={"slug": "melbourne"})).text

    assert "This target year has passed." in html
    assert "timeline-target timeline-passed" in html


@pytest.mark.django_db
@time_machine.travel("2026-06-01 12:00Z")
def test_city_page_with_a_future_target_does_not_say_passed(client):
    MemberCityFactory(
        slug="oslo", target="Carbon neutral by 2050 (2012); later 95% below 2009 by 2030"
    )

    html = client.get(reverse("members:city_detail", kwargs={"slug": "oslo"})).text

    assert "has passed" not in html
    assert '<span class="timeline-year">2030</span>' in html


@pytest.mark.django_db
@time_machine.travel("2026-06-01 12:00Z")
def test_city_list_badges_passed_target_years(client):
    MemberCityFactory(name="Old Target", target_year=2020)
    MemberCityFactory(name="New Target", target_year=2050)

    html = client.get(reverse("members:city_list")).text

    assert html.count('<span class="badge badge-muted">Passed</span>') == 1
