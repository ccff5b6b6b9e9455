"""Bar charts drawn on the server as SVG: no JavaScript, no external library.

A chart is data for ``innovation_fund/public/_bar_chart.html``: one bar per
row, its label above it, its value at its end. The drawing is 320 units wide,
about a phone's width, so its text stays legible when it scales to the screen;
the page puts a table of the same figures beside it for screen readers.
"""

from dataclasses import dataclass

WIDTH = 320
LABEL_HEIGHT = 18
BAR_HEIGHT = 16
ROW_GAP = 10
# Room kept at the bar's end for its value, so the longest bar's text fits.
VALUE_ROOM = 96


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    display: str
    y_label: int
    y_bar: int
    width: float
    x_value: float


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list
    height: int
    width: int = WIDTH


def bar_chart(title, rows):
    """``rows`` are (label, value, display text); values of 0 draw no bar."""
    rows = list(rows)
    largest = max((value for _, value, _ in rows), default=0) or 1
    span = WIDTH - VALUE_ROOM
    bars = []
    y = 0
    for label, value, display in rows:
        width = round(span * float(value) / float(largest), 1) if value else 0
        bars.append(
            Bar(
                label=label,
                value=value,
                display=display,
                y_label=y + 13,
                y_bar=y + LABEL_HEIGHT,
                width=width,
                x_value=width + 6,
            )
        )
        y += LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    return BarChart(title=title, bars=bars, height=max(y - ROW_GAP, 1))
