"""The school year: 1 September to 31 August, days in Europe/Paris. Pure: no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ecoprod.i18n import SCHOOL_TIMEZONE


@dataclass(frozen=True, order=True)
class SchoolYear:
    """The year starting on 1 September of ``start_year``."""

    start_year: int

    @classmethod
    def of(cls, day: date) -> SchoolYear:
        """The school year ``day`` falls in (31 August is the last day of a year)."""
        return cls(day.year if day.month >= 9 else day.year - 1)

    @classmethod
    def parse(cls, text: str | None, default: SchoolYear) -> SchoolYear:
        """``"2025"`` (or ``"2025-2026"``) as a year; anything else is ``default``."""
        head = (text or "").split("-", 1)[0].strip()
        if len(head) == 4 and head.isascii() and head.isdigit() and 2000 <= int(head) <= 2199:
            return cls(int(head))
        return default

    @property
    def start(self) -> date:
        return date(self.start_year, 9, 1)

    @property
    def end(self) -> date:
        """The last day (31 August), inclusive."""
        return date(self.start_year + 1, 8, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}"

    @property
    def starts_at(self) -> datetime:
        """Midnight in Paris on 1 September, an aware datetime (compare stored UTC times to it)."""
        return datetime.combine(self.start, time.min, SCHOOL_TIMEZONE)

    @property
    def ends_before(self) -> datetime:
        """Midnight in Paris on the next 1 September: times are ``< ends_before``."""
        return datetime.combine(self.end + timedelta(days=1), time.min, SCHOOL_TIMEZONE)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def previous(self, count: int) -> list[SchoolYear]:
        """This year and the ``count - 1`` before it, latest first (the selector's choices)."""
        return [SchoolYear(self.start_year - back) for back in range(count)]
