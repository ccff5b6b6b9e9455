"""The infographic's bar chart, laid out on the server as SVG geometry.

The template draws what :func:`bar_chart` measures: one row per figure, its
label on a line of its own above the bar, so that nothing overlaps at any width
(the SVG scales with its viewBox, readable on a 375 px phone). No JavaScript.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma, intword

WIDTH = 640
ROW_HEIGHT = 76
LABEL_BASELINE = 26  # from the top of a row
BAR_TOP = 38
BAR_HEIGHT = 28
MIN_BAR = 4  # a tiny figure still shows as a sliver


def format_usd(amount):
    """US$1.4 billion, US$879,240: words for millions and more, digits below."""
    amount = Decimal(amount)
    if amount >= 1_000_000:
        return f"US${intword(int(amount))}"
    return f"US${intcomma(int(amount))}"


@dataclass(frozen=True)
class Bar:
    figure: object
    label: str
    value: str
    illustrative: bool
    label_y: int
    bar_y: int
    bar_width: float


@dataclass(frozen=True)
class Chart:
    bars: list
    width: int
    height: int
    bar_height: int = BAR_HEIGHT

    @property
    def has_illustrative(self):
        return any(bar.illustrative for bar in self.bars)


def bar_chart(figures):
    """The chart of ``figures`` (SpendingFigure), largest first; bars share one scale."""
    figures = sorted(figures, key=lambda figure: figure.amount_usd, reverse=True)
    largest = figures[0].amount_usd if figures else 1
    bars = []
    for index, figure in enumerate(figures):
        top = index * ROW_HEIGHT
        width = max(MIN_BAR, float(figure.amount_usd / largest) * WIDTH)
        bars.append(
            Bar(
                figure=figure,
                label=figure.label + (f" ({figure.year})" if figure.year else ""),
                value=format_usd(figure.amount_usd)
                + (" (illustrative)" if figure.illustrative else ""),
                illustrative=figure.illustrative,
                label_y=top + LABEL_BASELINE,
                bar_y=top + BAR_TOP,
                bar_width=round(width, 1),
            )
        )
    return Chart(bars=bars, width=WIDTH, height=max(ROW_HEIGHT, len(bars) * ROW_HEIGHT))


@dataclass(frozen=True)
class Comparison:
    comparison: object
    times: int


def comparisons_for(headline, comparisons):
    """How many times each comparison's sum fits in the headline figure (whole times)."""
    if headline is None:
        return []
    return [
        Comparison(comparison=item, times=int(headline.amount_usd // item.amount_usd))
        for item in comparisons
        if item.amount_usd <= headline.amount_usd
    ]
