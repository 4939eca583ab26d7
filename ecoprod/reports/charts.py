"""Horizontal bar charts drawn as SVG by the templates: the geometry, worked out here (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

LABEL_WIDTH = 190
BAR_AREA = 300
VALUE_WIDTH = 110
ROW = 26


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the value as read (an amount, hours), also the bar's title
    y: int
    width: int


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: tuple[Bar, ...]
    width: int = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def height(self) -> int:
        return len(self.bars) * ROW + 6

    @property
    def value_x(self) -> int:
        return LABEL_WIDTH + BAR_AREA + 6


def bar_chart(title: str, items: Sequence[tuple[str, Decimal | int, str]]) -> BarChart:
    """One bar per (label, value, value as text), the longest bar the largest value; a
    value of nothing or less draws no bar (its text still says it)."""
    top = max((value for _label, value, _text in items), default=0)
    bars = tuple(
        Bar(
            label,
            text,
            i * ROW + 4,
            round(BAR_AREA * value / top) if top > 0 and value > 0 else 0,
        )
        for i, (label, value, text) in enumerate(items)
    )
    return BarChart(title, bars)
