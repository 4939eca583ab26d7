"""Geometry of the server-drawn SVG pictures (Gantt, load chart); templates draw them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class Bar:
    label: str
    sublabel: str
    x: float
    width: float
    y: float
    tone: str
    href: str | None = None


@dataclass(frozen=True)
class Gantt:
    width: int
    height: int
    label_width: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # x, label (a tick per week)
    today_x: float | None
    row_height: int


def gantt(
    rows: list[tuple[str, str, date, date, str, str | None]],
    today: date,
    label_width: int = 260,
    day_width: int = 18,
) -> Gantt | None:
    """Rows of (label, sublabel, first day, last day, tone, link); None if nothing is scheduled."""
    if not rows:
        return None
    first = min(r[2] for r in rows)
    first -= timedelta(days=first.weekday())
    last = max(r[3] for r in rows)
    days = (last - first).days + 7
    row_height = 30
    bars = [
        Bar(
            label,
            sub,
            label_width + (start - first).days * day_width,
            ((end - start).days + 1) * day_width,
            24 + i * row_height,
            tone,
            href,
        )
        for i, (label, sub, start, end, tone, href) in enumerate(rows)
    ]
    ticks = [
        (label_width + d * day_width, (first + timedelta(days=d)).strftime("%d/%m"))
        for d in range(0, days, 7)
    ]
    today_x = (
        label_width + (today - first).days * day_width
        if first <= today <= first + timedelta(days=days)
        else None
    )
    return Gantt(
        label_width + days * day_width,
        24 + len(rows) * row_height + 10,
        label_width,
        bars,
        ticks,
        today_x,
        row_height,
    )


@dataclass(frozen=True)
class WeekLoad:
    monday: date
    capacity: Decimal
    planned: Decimal
    x: float
    capacity_height: float
    planned_height: float

    @property
    def over(self) -> bool:
        return self.planned > self.capacity


@dataclass(frozen=True)
class LoadChart:
    width: int
    height: int
    base: int
    weeks: list[WeekLoad]
    bar_width: int
    scale_max: Decimal


def load_chart(
    weeks: list[tuple[date, Decimal, Decimal]], height: int = 160, bar_width: int = 22
) -> LoadChart:
    top = max((max(c, p) for _, c, p in weeks), default=Decimal(1)) or Decimal(1)
    base = height - 30
    step = bar_width * 2 + 14
    points = [
        WeekLoad(
            monday,
            capacity,
            planned,
            40 + i * step,
            float(capacity / top) * (base - 10),
            float(planned / top) * (base - 10),
        )
        for i, (monday, capacity, planned) in enumerate(weeks)
    ]
    return LoadChart(40 + len(weeks) * step, height, base, points, bar_width, top)
