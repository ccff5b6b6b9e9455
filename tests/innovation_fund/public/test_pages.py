"""The fund's public pages: the fund, a round, the award list and pages, a city's awards."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from innovation_fund.models import FundRound, Proposal, Theme
from innovation_fund.public.models import PublishedTotal
from innovation_fund.public.queries import current_round
from tests.factories import MemberCityFactory
from tests.innovation_fund.factories import FundRoundFactory, ProposalFactory
from tests.pagetext import text_of
from tests.querycount import queries_of_get

from .factories import AwardFactory, bulk_awards

pytestmark = pytest.mark.django_db


@pytest.fixture
def cities():
    names = ["Portland", "London", "Boulder", "Seattle", "Oslo"]
    return {
        name: MemberCityFactory(name=name, slug=name.lower().replace(" ", "-")) for name in names
    }


@pytest.fixture
def record(cities):
    """Two past rounds like the public record: one with a published total only."""
    round2 = FundRoundFactory(
        name="Round 2",
        slug="round-2",
        year=2016,
        is_historical=True,
        dates_to_the_day=True,
        awarded_total_usd=Decimal("879240"),
    )
    round3 = FundRoundFactory(name="Round 3", slug="round-3", year=2019, is_historical=True)
    awards = {
        "ev": AwardFactory(
            round=round2,
            title="EV charging investments",
            slug="ev-charging",
            lead_city=cities["Portland"],
            amount_usd=None,
            themes=["transport"],
        ),
        "energiesprong": AwardFactory(
            round=round2,
            title="Energiesprong trial",
            slug="energiesprong",
            lead_city=cities["London"],
            amount_usd=Decimal("169200"),
            themes=["buildings"],
        ),
        "hvac": AwardFactory(
            round=round3,
            title="HVAC performance ratio",
            slug="hvac",
            lead_city=cities["Seattle"],
            amount_usd=Decimal("150000"),
            partner_cities=[cities["Boulder"], cities["Portland"]],
            themes=["buildings"],
        ),
        "consumption": AwardFactory(
            round=round3,
            title="Consumption and decarbonization",
            slug="consumption",
            lead_city=cities["Portland"],
            amount_usd=Decimal("100000"),
            themes=["others"],
        ),
    }
    return {"round2": round2, "round3": round3, **awards}


# --- /innovation-fund/ ------------------------------------------------------------------


def test_fund_page_adds_up_the_awards_using_a_rounds_published_total(client, record):
    PublishedTotal.objects.create(
        label="2015 to 2019",
        invested_usd=Decimal("3255496"),
        projects=36,
        leveraged_usd=Decimal("43550706"),
        source_title="CNCA: Innovation Fund",
        source_url="https://carbonneutralcities.org/initiatives/innovation-fund",
    )
    text = text_of(client.get(reverse("innovation_fund:index")))

    # Round 2's record total (879,240) stands for its awards; Round 3's are all known.
    assert "Awarded US$1,129,240" in text
    assert "Projects 4" in text
    # Portland, London, Seattle (leads) and Boulder (partner); Oslo has none.
    assert "Member cities involved 4" in text
    assert "from 2015 to 2019 the fund invested US$3,255,496 in 36 projects" in text
    assert "leveraging US$43,550,706" in text
    assert "Source: CNCA: Innovation Fund" in text


def test_fund_page_says_at_least_when_a_rounds_total_is_unknown(client, record):
    record["round2"].awarded_total_usd = None
    record["round2"].save()

    text = text_of(client.get(reverse("innovation_fund:index")))

    assert "Awarded, at least US$419,200" in text


def test_fund_figures_follow_the_awards_at_once(client, record, cities):
    url = reverse("innovation_fund:index")
    assert "<dt>Projects</dt><dd>4</dd>" in client.get(url).text  # now cached

    award = AwardFactory(round=record["round3"], lead_city=cities["Oslo"], amount_usd=5)
    assert "<dt>Projects</dt><dd>5</dd>" in client.get(url).text
    award.themes.add(*Theme.objects.filter(slug="energy"))
    assert '<th scope="row">Energy</th>' in client.get(url).text
    PublishedTotal.objects.create(
        label="2015 to 2030", invested_usd=1, projects=99, source_title="A later report"
    )
    assert "A later report" in client.get(url).text
    award.delete()
    assert "<dt>Projects</dt><dd>4</dd>" in client.get(url).text


def test_the_current_round_is_a_real_one_before_a_demonstration(db):
    now = datetime(2027, 1, 10, 12, tzinfo=UTC)

    def make(slug, opens, deadline, demo=False, historical=False):
        return FundRoundFactory(
            slug=slug,
            is_demo=demo,
            is_historical=historical,
            call_opens_at=datetime(2027, *opens, tzinfo=UTC),
            loi_deadline=datetime(2027, *deadline, tzinfo=UTC),
        )

    make("old", (1, 1), (2, 1), historical=True)
    demo = make("demo", (1, 1), (2, 1), demo=True)
    assert current_round(now) == demo
    later = make("later", (5, 1), (6, 1))
    assert current_round(now) == later  # a real round to come beats an open demonstration
    sooner = make("sooner", (3, 1), (4, 1))
    assert current_round(now) == sooner
    closing_first = make("closing-first", (1, 2), (1, 20))
    make("closing-later", (1, 3), (1, 25))
    assert current_round(now) == closing_first
    rounds = list(FundRound.objects.all())
    assert current_round(now, rounds) == closing_first


def test_fund_page_shows_the_open_round_with_its_deadline_in_its_zone(client, db):
    with time_machine.travel(datetime(2027, 1, 10, 12, tzinfo=UTC), tick=False):
        FundRoundFactory(
            name="Round 9",
            slug="round-9",
            time_zone="America/Los_Angeles",
            call_opens_at=datetime(2027, 1, 1, 17, tzinfo=UTC),
            loi_deadline=datetime(2027, 3, 4, 1, tzinfo=UTC),  # 3 March 17:00 PST
        )
        text = text_of(client.get(reverse("innovation_fund:index")))

    assert "Open now" in text
    assert "Letter of intent deadline: 3 March 2027, 17:00 PST (UTC\u221208:00)" in text
    assert "left" in text


def test_fund_page_without_a_round_says_so_and_offers_the_calendar(client, record):
    text = text_of(client.get(reverse("innovation_fund:index")))

    assert "No round is open or announced at the moment." in text


def test_fund_page_draws_the_charts_with_tables(client, record):
    html = client.get(reverse("innovation_fund:index")).content.decode()

    assert html.count('<svg class="bar-chart"') == 2
    assert "Funding by round (US$): the figures" in html
    # Themes with published amounts: buildings 319,200 (169,200 + 150,000).
    assert "US$319,200" in html
    # Transport's one award has no published amount: a dash, never US$0.
    assert "US$0" not in html


# --- /innovation-fund/rounds/<slug>/ -------------------------------------------------------


def test_round_with_unpublished_amounts_shows_its_total_and_one_note(client, record):
    text = text_of(client.get(record["round2"].get_absolute_url()))

    assert "US$169,200" in text
    assert "Total US$879,240" in text
    # The missing amounts are marked once, in one note, not on every row.
    assert text.lower().count("not published") == 1


def test_round_whose_total_is_unknown_says_so_once(client, record):
    record["round2"].awarded_total_usd = None
    record["round2"].save()

    text = text_of(client.get(record["round2"].get_absolute_url()))

    assert "The amounts of 1 award were not published; the round's total is not known." in text
    assert "Total US$" not in text


def test_round_without_a_known_list_is_not_a_round_without_awards(client, db):
    round1 = FundRoundFactory(name="Round 1", slug="round-1", is_historical=True)

    text = text_of(client.get(round1.get_absolute_url()))

    assert "The list of projects funded in this round is not in the public record." in text


def test_round_shows_its_finalists_once_named(client, cities):
    fund_round = FundRoundFactory()
    submitted = {"submitted_at": timezone.now()}
    named = ProposalFactory(
        round=fund_round,
        lead_city=cities["Oslo"],
        title="Electric ferries",
        status=Proposal.Status.FINALIST,
        **submitted,
    )
    ProposalFactory(round=fund_round, title="Secret draft", status=Proposal.Status.DRAFT)
    ProposalFactory(
        round=fund_round, title="Under review", status=Proposal.Status.SUBMITTED, **submitted
    )

    text = text_of(client.get(fund_round.get_absolute_url()))

    assert "Finalists" in text
    assert named.title in text
    assert "Secret draft" not in text
    assert "Under review" not in text


def test_demo_round_is_labelled(client, db):
    demo = FundRoundFactory(is_demo=True)

    assert "A demonstration round." in text_of(client.get(demo.get_absolute_url()))


def test_unknown_round_is_404(client, db):
    assert client.get("/innovation-fund/rounds/no-such-round/").status_code == 404


# --- /innovation-fund/awards/ ---------------------------------------------------------------


def titles(response):
    return [award.title for award in response.context["awards"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            {},
            {
                "EV charging investments",
                "Energiesprong trial",
                "HVAC performance ratio",
                "Consumption and decarbonization",
            },
        ),
        ({"round": "round-3"}, {"HVAC performance ratio", "Consumption and decarbonization"}),
        ({"lead_city": "portland"}, {"EV charging investments", "Consumption and decarbonization"}),
        ({"partner_city": "boulder"}, {"HVAC performance ratio"}),
        ({"theme": "buildings"}, {"Energiesprong trial", "HVAC performance ratio"}),
        ({"amount_min": "150000"}, {"Energiesprong trial", "HVAC performance ratio"}),
        ({"amount_max": "150000"}, {"HVAC performance ratio", "Consumption and decarbonization"}),
        ({"q": "ENERGIESPRONG"}, {"Energiesprong trial"}),
        ({"q": "seattle"}, {"HVAC performance ratio"}),
        ({"lead_city": "portland", "round": "round-2"}, {"EV charging investments"}),
        (
            {"theme": "buildings", "amount_max": "160000", "partner_city": "portland"},
            {"HVAC performance ratio"},
        ),
    ],
)
def test_award_filters(client, record, query, expected):
    response = client.get(reverse("innovation_fund:award_list"), query)

    assert response.status_code == 200
    assert set(titles(response)) == expected


def test_award_filters_are_labelled(client, record):
    html = client.get(reverse("innovation_fund:award_list")).text

    for field, label in [
        ("round", "Round"),
        ("lead_city", "Lead city"),
        ("partner_city", "Partner city"),
        ("theme", "Themes"),
    ]:
        assert f'<label for="id_{field}">{label}</label>' in html


def test_award_filter_choices_follow_the_awards_at_once(client, record, cities):
    def choices(name):
        form = client.get(reverse("innovation_fund:award_list")).context["filter"].form
        return [slug for slug, _ in form.fields[name].choices if slug]

    assert choices("lead_city") == ["london", "portland", "seattle"]  # now cached
    award = AwardFactory(round=record["round3"], lead_city=cities["Oslo"])
    assert choices("lead_city") == ["london", "oslo", "portland", "seattle"]
    award.partner_cities.add(cities["London"])
    assert choices("partner_city") == ["boulder", "london", "portland"]
    record["round3"].name = "Round Three"
    record["round3"].save()
    form = client.get(reverse("innovation_fund:award_list")).context["filter"].form
    assert ("round-3", "Round Three") in form.fields["round"].choices
    award.delete()
    assert choices("lead_city") == ["london", "portland", "seattle"]


def test_award_list_shows_the_count_and_total_of_the_filtered_set(client, record):
    text = text_of(client.get(reverse("innovation_fund:award_list"), {"round": "round-2"}))

    assert "2 matching awards: US$169,200 in published amounts (1 not published)" in text
    assert text.count("Amount not published.") == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"round": "round-99"}, "Select a valid choice"),
        ({"lead_city": "atlantis"}, "Select a valid choice"),
        ({"theme": "<script>"}, "Select a valid choice"),
        ({"amount_min": "lots"}, "Enter a number"),
        ({"amount_min": "-5"}, "greater than or equal to 0"),
        ({"amount_min": "200", "amount_max": "100"}, "at least the lower amount"),
        ({"sort": "password"}, "Select a valid choice"),
        ({"q": "x" * 500}, "at most 200 characters"),
    ],
)
def test_bad_filter_values_get_a_clear_message_not_a_500(client, record, query, message):
    response = client.get(reverse("innovation_fund:award_list"), query)

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert response.context["awards"] == [] or not list(response.context["awards"])
    assert "<title>Error:" in html


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        ("-amount", "Energiesprong trial"),
        ("amount", "Consumption and decarbonization"),
        ("title", "Consumption and decarbonization"),
        ("-title", "HVAC performance ratio"),
    ],
)
def test_award_list_sorts(client, record, sort, first):
    response = client.get(reverse("innovation_fund:award_list"), {"sort": sort})

    assert titles(response)[0] == first


def test_unknown_amounts_sort_last_both_ways(client, record):
    for sort in ("amount", "-amount"):
        response = client.get(reverse("innovation_fund:award_list"), {"sort": sort})
        assert titles(response)[-1] == "EV charging investments"


def test_award_list_paginates_and_keeps_the_filters(client, cities):
    fund_round = FundRoundFactory(slug="round-big")
    bulk_awards(30, fund_round=fund_round, lead_city=cities["Oslo"])

    response = client.get(reverse("innovation_fund:award_list"), {"lead_city": "oslo"})

    assert len(response.context["awards"]) == 25
    assert "?lead_city=oslo&amp;page=2" in response.content.decode()
    page2 = client.get(reverse("innovation_fund:award_list"), {"lead_city": "oslo", "page": 2})
    assert len(page2.context["awards"]) == 5


# --- Award and city pages -------------------------------------------------------------------


def test_award_page_links_its_round_and_cities(client, record):
    html = client.get(record["hvac"].get_absolute_url()).content.decode()

    assert '<h1 id="award-title">HVAC performance ratio</h1>' in html
    assert f'href="{record["round3"].get_absolute_url()}"' in html
    assert 'href="/cities/seattle/"' in html
    assert 'href="/cities/boulder/"' in html
    assert "US$150,000" in html


def test_award_page_of_an_unpublished_amount_says_so(client, record):
    text = text_of(client.get(record["ev"].get_absolute_url()))

    assert "Not published (the round's 2 awards came to US$879,240 in all)" in text


def test_award_page_never_shows_the_staff_source(client, record):
    record["hvac"].source = "research note: usdn.org snapshot"
    record["hvac"].save()

    assert "research note" not in client.get(record["hvac"].get_absolute_url()).content.decode()


def test_unknown_award_is_404(client, db):
    assert client.get("/innovation-fund/awards/no-such-award/").status_code == 404


def test_city_page_lists_awards_led_and_partnered_with_the_total(client, record, cities):
    text = text_of(client.get(cities["Portland"].get_absolute_url()))

    assert "Innovation Fund awards" in text
    assert "Projects Portland led" in text
    assert "2 projects, US$100,000 in published amounts." in text
    assert "Projects Portland partnered on" in text
    assert "HVAC performance ratio, led by Seattle" in text


def test_city_without_awards_shows_no_award_section(client, record, cities):
    assert "Innovation Fund awards" not in text_of(client.get(cities["Oslo"].get_absolute_url()))


# --- Bounded pages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_of", "expected"),
    [
        # The totals (their count is the paginator's), the page, its partners; the
        # filters' choices are cached.
        (lambda ctx: reverse("innovation_fund:award_list"), 3),
        (lambda ctx: reverse("innovation_fund:award_list") + "?theme=energy&sort=-amount", 3),
        (lambda ctx: ctx["award"].get_absolute_url(), 4),
        # The city, its news, its awards (the map's places are cached).
        (lambda ctx: ctx["city"].get_absolute_url(), 3),
        # The round, its awards, their partners, its finalists.
        (lambda ctx: ctx["round"].get_absolute_url(), 4),
        # The rounds (the figures are cached).
        (lambda ctx: reverse("innovation_fund:index"), 1),
    ],
    ids=["list", "list-filtered", "award", "city", "round", "index"],
)
def test_page_queries_do_not_grow_with_the_awards(client, cities, url_of, expected):
    fund_round = FundRoundFactory(slug="round-q")
    city, partner = cities["Oslo"], cities["Boulder"]
    ctx = {"round": fund_round, "city": city}

    awards = bulk_awards(10, fund_round=fund_round, lead_city=city, partner=partner)
    ctx["award"] = awards[0]
    small = queries_of_get(client, url_of(ctx))

    bulk_awards(990, fund_round=FundRoundFactory(slug="round-q2"), lead_city=city, partner=partner)
    large = queries_of_get(client, url_of(ctx))

    assert small == large == expected


def test_round_page_queries_do_not_grow_with_its_awards(client, cities):
    fund_round = FundRoundFactory(slug="round-r")
    bulk_awards(10, fund_round=fund_round, lead_city=cities["Oslo"], partner=cities["Boulder"])
    small = queries_of_get(client, fund_round.get_absolute_url())
    more = FundRoundFactory(slug="round-r-more")
    awards = bulk_awards(990, fund_round=more, lead_city=cities["Oslo"], partner=cities["Boulder"])
    from innovation_fund.models import Award

    Award.objects.filter(pk__in=[a.pk for a in awards]).update(round=fund_round)
    large = queries_of_get(client, fund_round.get_absolute_url())

    assert small == large


def test_future_round_dates_are_shown_in_the_round_zone_even_across_dst(client, db):
    zone_round = FundRoundFactory(
        slug="round-dst",
        time_zone="Europe/Copenhagen",
        call_opens_at=datetime(2027, 2, 1, 8, tzinfo=UTC),
        loi_deadline=datetime(2027, 3, 26, 16, tzinfo=UTC),  # 17:00 CET
        loi_scoring_deadline=datetime(2027, 4, 5, 16, tzinfo=UTC),
        finalists_announced_at=datetime(2027, 4, 9, 15, tzinfo=UTC),  # 17:00 CEST
    )
    text = text_of(client.get(zone_round.get_absolute_url()))

    assert "26 March 2027, 17:00 CET (UTC+01:00)" in text
    assert "9 April 2027, 17:00 CEST (UTC+02:00)" in text


def test_the_sitemap_lists_every_round_and_award(client, record):
    rounds = client.get("/sitemap-rounds.xml").content.decode()
    awards = client.get("/sitemap-awards.xml").content.decode()

    assert "/innovation-fund/rounds/round-2/" in rounds
    assert "/innovation-fund/rounds/round-3/" in rounds
    for key in ("ev", "energiesprong", "hvac", "consumption"):
        assert record[key].get_absolute_url() in awards
