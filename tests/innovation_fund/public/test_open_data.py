"""The awards as CSV and JSON: the list's filters, stable fields, numbers, streaming."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from innovation_fund.public.opendata import FIELD_NAMES
from tests.factories import MemberCityFactory
from tests.innovation_fund.factories import FundRoundFactory

from .factories import AwardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def awards():
    portland = MemberCityFactory(name="Portland", slug="portland")
    boulder = MemberCityFactory(name="Boulder", slug="boulder")
    oslo = MemberCityFactory(name="Oslo", slug="oslo")
    fund_round = FundRoundFactory(name="Round 3", slug="round-3", year=2019)
    return [
        AwardFactory(
            round=fund_round,
            title='Consumption, and "decarbonization"',
            slug="consumption",
            lead_city=portland,
            amount_usd=Decimal("100000.00"),
            partner_cities=[boulder],
            themes=["others", "waste-and-food"],
            other_partners="Burlington, Vermont\nA university",
        ),
        AwardFactory(
            round=fund_round,
            title="EV charging",
            slug="ev-charging",
            lead_city=portland,
            amount_usd=None,
            themes=["transport"],
        ),
        AwardFactory(
            round=fund_round, title="Ferries", slug="ferries", lead_city=oslo, amount_usd=25000.5
        ),
    ]


def body_of(response):
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def csv_records(response):
    text = body_of(response)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_csv_has_the_documented_columns_and_plain_numbers(client, awards):
    response = client.get(reverse("innovation_fund:awards_csv"), {"sort": "title"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = csv_records(response)
    assert tuple(rows[0].keys()) == FIELD_NAMES
    first = rows[0]
    assert first["title"] == 'Consumption, and "decarbonization"'
    assert first["amount_usd"] == "100000"
    assert first["partner_cities"] == "Boulder"
    assert first["other_partners"] == "Burlington, Vermont; A university"
    assert first["themes"] == "Waste and food; Others"  # in the themes' own order
    assert first["url"].endswith("/innovation-fund/awards/consumption/")
    # Unknown is empty, never 0.
    assert rows[1]["amount_usd"] == ""
    assert rows[2]["amount_usd"] == "25000.5"


def test_json_types_numbers_and_nulls(client, awards):
    response = client.get(reverse("innovation_fund:awards_json"), {"sort": "title"})

    data = json.loads(body_of(response))
    assert "licence" in data["meta"]
    first, ev, ferries = data["awards"]
    assert list(first) == list(FIELD_NAMES)
    assert first["amount_usd"] == 100000
    assert first["partner_cities"] == ["Boulder"]
    assert first["other_partners"] == ["Burlington, Vermont", "A university"]
    assert ev["amount_usd"] is None
    assert ferries["amount_usd"] == 25000.5


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"lead_city": "portland"},
        {"partner_city": "boulder"},
        {"theme": "transport"},
        {"amount_min": "30000"},
        {"q": "ferries"},
        {"lead_city": "portland", "sort": "-amount"},
    ],
)
def test_exports_hold_exactly_the_filtered_list_in_its_order(client, awards, query):
    listed = [
        a.slug for a in client.get(reverse("innovation_fund:award_list"), query).context["awards"]
    ]

    from_csv = [
        row["slug"] for row in csv_records(client.get(reverse("innovation_fund:awards_csv"), query))
    ]
    from_json = [
        a["slug"]
        for a in json.loads(body_of(client.get(reverse("innovation_fund:awards_json"), query)))[
            "awards"
        ]
    ]

    assert from_csv == listed == from_json


@pytest.mark.parametrize("name", ["innovation_fund:awards_csv", "innovation_fund:awards_json"])
def test_a_bad_filter_is_a_400_that_says_which(client, awards, name):
    response = client.get(reverse(name), {"amount_min": "lots"})

    assert response.status_code == 400
    assert b"amount_min: Enter a number." in response.content


def test_the_open_data_page_documents_every_field(client, db):
    html = client.get(reverse("innovation_fund:open_data")).content.decode()

    for name in FIELD_NAMES:
        assert f"<code>{name}</code>" in html
    assert "Licence" in html
