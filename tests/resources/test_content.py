"""The alliance's real resources, loaded by load_cnca_content from the project's data file."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from cnca.content import load_facts
from resources.models import Resource, SpendingComparison, SpendingFigure
from tests.pagetext import html_of

pytestmark = pytest.mark.django_db

FRAMEWORK = "/resources/cnca-framework-for-long-term-deep-carbon-reduction-planning/"


@pytest.fixture
def content():
    call_command("load_cnca_content", stdout=StringIO())


def test_the_resources_of_the_record_are_loaded(content):
    assert dict(Resource.objects.values_list("slug", "kind")) == {
        "cnca-framework-for-long-term-deep-carbon-reduction-planning": "framework",
        "cnca-framework-executive-summary": "executive_summary",
        "outline-of-an-80x50-plan": "plan_outline",
        "how-much-is-spent-on-fossil-fuels-in-cities": "infographic",
        "game-changers-report": "report",
    }
    assert all(Resource.objects.values_list("is_published", flat=True))
    figure = SpendingFigure.objects.get()
    assert (figure.city, figure.amount_usd, figure.illustrative) == (
        "Cleveland",
        1_400_000_000,
        False,
    )
    assert figure.source_url == "https://sustainablecleveland.org/what_would_you_spend"
    assert SpendingComparison.objects.count() == 3


def test_the_comparisons_are_the_records_own_sums():
    facts = load_facts()
    fund = facts["innovation_fund"]
    infographic = next(r for r in facts["resources"] if r["kind"] == "infographic")
    amounts = [item["amount_usd"] for item in infographic["comparisons"]]

    assert amounts[0] == 3_255_496
    assert "$3,255,496" in fund["summary"]
    round3 = next(r for r in fund["rounds"] if r["name"] == "Round 3")
    assert amounts[1] == sum(a["amount_usd"] for a in round3["awards"]) == 650_000
    london = next(n for n in facts["news"] if "169,200" in n["title"])
    assert amounts[2] == 169_200
    assert london


def test_the_framework_page_with_its_companions(client, content):
    html = html_of(client.get(FRAMEWORK))

    assert "<h1>CNCA Framework for Long-Term Deep Carbon Reduction Planning</h1>" in html
    assert '<time datetime="2015-12">December 2015</time>' in html
    assert "Pete Plastrik, John Cleveland (Innovation Network for Communities)" in html
    assert 'href="/resources/cnca-framework-executive-summary/"' in html
    assert 'href="/resources/outline-of-an-80x50-plan/"' in html
    assert (
        'Source: <a href="https://usdn.org/public/page/100/Deep-Carbon-Reduction-Planning-Framework">'
        "Urban Sustainability Directors Network</a>" in html
    )


def test_the_game_changers_report_lists_its_seven_game_changers(client, content):
    response = client.get("/resources/game-changers-report/")
    html = response.content.decode()

    body = html.split('<div class="prose">', 1)[1]
    items = re.findall(r"<li>([^<]+)</li>", body.split("<ol>", 1)[1].split("</ol>", 1)[0])
    assert items == [
        "Zero-emission building standards",
        "Ubiquitous EV charging",
        "Mandatory organics recovery",
        "Electrified heating and cooling",
        "Car-free and low-emission zones",
        "Empowering local renewable electricity producers and buyers",
        "Climate budgets",
    ]
    assert '<time datetime="2018">2018</time>' in html


def test_public_pages_show_no_research_notes(client, content):
    for resource in Resource.objects.all():
        html = client.get(resource.get_absolute_url()).content.decode()
        for note in ("not found", "research file", "must be labelled", "# "):
            assert note not in html, (resource.slug, note)


def test_a_reload_writes_nothing_and_keeps_an_editors_choice(content):
    Resource.objects.filter(slug="game-changers-report").update(is_published=False)

    out = StringIO()
    call_command("load_cnca_content", stdout=out)

    assert "resources: 0 created, 0 updated, 5 unchanged" in out.getvalue()
    assert "spending figures: 0 created, 0 updated, 1 unchanged" in out.getvalue()
    assert not Resource.objects.get(slug="game-changers-report").is_published


def test_a_changed_fact_is_written_on_reload(content):
    Resource.objects.filter(slug="game-changers-report").update(title="Old title")

    out = StringIO()
    call_command("load_cnca_content", stdout=out)

    assert "resources: 0 created, 1 updated, 4 unchanged" in out.getvalue()
    assert Resource.objects.get(slug="game-changers-report").title == "Game Changers report"
