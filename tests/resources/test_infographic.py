"""The infographic: a server-drawn SVG chart, its data table, what the money could fund."""

from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError

from resources.chart import bar_chart, format_usd
from resources.models import Resource
from tests.pagetext import html_of
from tests.querycount import queries_of_get

from .factories import (
    RealSpendingFigureFactory,
    ResourceFactory,
    SpendingComparisonFactory,
    SpendingFigureFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def infographic():
    return ResourceFactory(
        kind=Resource.Kind.INFOGRAPHIC,
        title="Infographic: How Much is Spent on Fossil Fuels in Cities",
        slug="how-much-is-spent-on-fossil-fuels-in-cities",
    )


class Svg(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rects, self.svgs, self.scripts = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg":
            self.svgs.append(attrs)
        if tag == "rect" and "y" in attrs:
            self.rects.append(attrs)
        if tag == "script":
            self.scripts += 1


def test_the_real_figure_carries_its_source_and_others_are_marked_illustrative(client, infographic):
    RealSpendingFigureFactory()
    SpendingFigureFactory(city="Sample City", sector="transport", fuel="gasoline")

    html = html_of(client.get(infographic.get_absolute_url()))

    assert "Cleveland: US$1.4 billion</text>" in html
    assert "Sample City, Transport, Gasoline: US$500.0 million (illustrative)</text>" in html
    assert (
        '<a href="https://sustainablecleveland.org/what_would_you_spend">'
        "Sustainable Cleveland</a>" in html
    )
    assert html.count('<strong class="badge">Illustrative</strong>') == 1
    assert "Figures marked <strong>illustrative</strong>" in html


def test_no_illustrative_notice_when_every_figure_is_real(client, infographic):
    RealSpendingFigureFactory()

    html = html_of(client.get(infographic.get_absolute_url()))

    assert "illustrative" not in html.lower()


def test_the_chart_is_svg_in_the_page_with_no_script_and_bars_on_one_scale(client, infographic):
    RealSpendingFigureFactory()
    SpendingFigureFactory(amount_usd=350_000_000)

    parser = Svg()
    parser.feed(client.get(infographic.get_absolute_url()).content.decode())

    (svg,) = parser.svgs
    assert svg["role"] == "img"
    assert svg["viewbox"].startswith("0 0 640 ")
    assert parser.scripts == 0
    widths = [float(rect["width"]) for rect in parser.rects]
    assert widths == [640.0, 160.0]  # 1.4 billion fills the width; 350 million is a quarter
    assert parser.rects[1]["fill"] == "url(#hatch)"


def test_the_data_table_lists_every_figure(client, infographic):
    RealSpendingFigureFactory()
    SpendingFigureFactory.create_batch(3)

    html = client.get(infographic.get_absolute_url()).content.decode()

    assert "<caption" in html
    assert html.count('<th scope="row">') == 4


def test_what_the_money_could_fund(client, infographic):
    RealSpendingFigureFactory()
    SpendingComparisonFactory(label="The eight Innovation Fund awards of Round 3")

    html = html_of(client.get(infographic.get_absolute_url()))

    assert "What US$1.4 billion a year could fund" in html
    assert "The eight Innovation Fund awards of Round 3: US$650,000" in html
    assert "<strong>2,153 times</strong>" in html


def test_comparisons_need_a_real_figure(client, infographic):
    SpendingFigureFactory()  # illustrative only
    SpendingComparisonFactory()

    assert "could fund" not in client.get(infographic.get_absolute_url()).content.decode()


def test_a_real_figure_without_a_source_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        SpendingFigureFactory(illustrative=False, source_title="", source_url="")


def test_the_page_needs_the_same_queries_for_3_and_30_figures(client, infographic):
    RealSpendingFigureFactory()
    SpendingFigureFactory.create_batch(2)
    SpendingComparisonFactory.create_batch(2)
    small = queries_of_get(client, infographic.get_absolute_url())
    SpendingFigureFactory.create_batch(27)
    SpendingComparisonFactory.create_batch(10)
    large = queries_of_get(client, infographic.get_absolute_url())

    # The resource and its companions; the figures' part is cached (2 more when not).
    assert small == large == 2


def test_a_changed_figure_or_comparison_shows_at_once(client, infographic):
    figure = RealSpendingFigureFactory()
    assert "could fund" not in html_of(client.get(infographic.get_absolute_url()))  # cached

    SpendingComparisonFactory(label="The eight Innovation Fund awards of Round 3")
    assert "The eight Innovation Fund awards of Round 3" in html_of(
        client.get(infographic.get_absolute_url())
    )
    figure.amount_usd = 2_800_000_000
    figure.save()
    assert "What US$2.8 billion a year could fund" in html_of(
        client.get(infographic.get_absolute_url())
    )


def test_the_chart_stacks_label_over_bar_so_nothing_overlaps():
    figures = [SpendingFigureFactory.build(amount_usd=n * 1_000_000) for n in (5, 20, 10)]

    chart = bar_chart(figures)

    assert [bar.figure.amount_usd for bar in chart.bars] == [20_000_000, 10_000_000, 5_000_000]
    for above, below in zip(chart.bars, chart.bars[1:], strict=False):
        assert above.bar_y + chart.bar_height < below.label_y - 16
    assert chart.height >= chart.bars[-1].bar_y + chart.bar_height


@pytest.mark.parametrize(
    ("amount", "text"),
    [(1_400_000_000, "US$1.4 billion"), (879_240, "US$879,240"), (3_255_496, "US$3.3 million")],
)
def test_amounts_in_words(amount, text):
    assert format_usd(amount) == text


def test_the_real_content_shows_cleveland_and_the_comparisons(client):
    call_command("load_cnca_content", stdout=StringIO())

    html = html_of(client.get("/resources/how-much-is-spent-on-fossil-fuels-in-cities/"))

    assert "Cleveland: US$1.4 billion</text>" in html
    assert "(illustrative)" not in html
    assert "<strong>430 times</strong>" in html  # the fund's US$3,255,496 in 36 projects
    assert "<strong>8,274 times</strong>" in html  # London's US$169,200 grant
    assert "A figure for Washington DC is not published" in html
