"""Half-days: the unit of the school's time (a morning or an afternoon in the workshop).

Weekly patterns (when a workshop is open, when a student is in the workshop rather than in
lessons) are bit masks: bit ``weekday * 2`` for the morning, ``weekday * 2 + 1`` for the
afternoon (Monday = 0).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date

from ecoprod.i18n import label
from ecoprod.i18n import lazy_gettext as _l


class Half(enum.StrEnum):
    AM = "am"
    PM = "pm"

    @property
    def label(self) -> str:
        return label(HALF_LABELS[self])


HALF_LABELS = {Half.AM: _l("morning"), Half.PM: _l("afternoon")}


@dataclass(frozen=True, order=True)
class HalfDay:
    day: date
    half: Half

    @property
    def bit(self) -> int:
        return 1 << (self.day.weekday() * 2 + (0 if self.half is Half.AM else 1))

    def key(self) -> str:
        return f"{self.day.isoformat()}-{self.half.value}"

    @classmethod
    def parse(cls, key: str) -> HalfDay:
        day, _, half = key.rpartition("-")
        return cls(date.fromisoformat(day), Half(half))

    def next(self) -> HalfDay:
        if self.half is Half.AM:
            return HalfDay(self.day, Half.PM)
        return HalfDay(self.day + timedelta(days=1), Half.AM)


def bit(weekday: int, half: Half) -> int:
    return 1 << (weekday * 2 + (0 if half is Half.AM else 1))


def day_bits(weekday: int) -> int:
    """Both half-days of a weekday."""
    return 0b11 << (weekday * 2)


WEEKDAYS = 5
# Monday to Friday, mornings and afternoons.
WORKING_WEEK = sum(bit(d, h) for d in range(WEEKDAYS) for h in Half)
# A typical student timetable: two thirds in the workshop (Wednesday afternoon and
# Tuesday and Thursday mornings in lessons).
DEFAULT_STUDENT_PATTERN = WORKING_WEEK & ~bit(1, Half.AM) & ~bit(2, Half.PM) & ~bit(3, Half.AM)


def slot_label(slot: HalfDay) -> str:
    """``mardi 3 mars, matin``."""
    return f"{format_date(slot.day, 'EEEE d MMMM')}, {slot.half.label}"


def in_pattern(pattern: int, slot: HalfDay) -> bool:
    return bool(pattern & slot.bit)


def half_days(start: date, end: date) -> Iterator[HalfDay]:
    """Every half-day from ``start`` to ``end`` included, in order."""
    day = start
    while day <= end:
        yield HalfDay(day, Half.AM)
        yield HalfDay(day, Half.PM)
        day += timedelta(days=1)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def pattern_from_keys(keys: list[str]) -> int:
    """From form values such as ``"0-am"`` (Monday morning) to a bit mask."""
    mask = 0
    for key in keys:
        weekday, _, half = key.partition("-")
        if weekday.isdigit() and int(weekday) < 7 and half in ("am", "pm"):
            mask |= bit(int(weekday), Half(half))
    return mask


def pattern_keys(pattern: int) -> list[str]:
    return [f"{d}-{h.value}" for d in range(7) for h in Half if pattern & bit(d, h)]
