"""The school year's boundaries (1 September – 31 August, Paris time) and the derogation
coverage of work at a regulated machine: pure functions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from ecoprod.reports.schoolyear import SchoolYear
from ecoprod.reports.services.people import Coverage, _coverage


def test_a_year_runs_from_1_september_to_31_august():
    assert SchoolYear.of(date(2025, 9, 1)) == SchoolYear(2025)
    assert SchoolYear.of(date(2026, 8, 31)) == SchoolYear(2025)
    assert SchoolYear.of(date(2025, 8, 31)) == SchoolYear(2024)
    assert SchoolYear.of(date(2026, 1, 15)) == SchoolYear(2025)
    year = SchoolYear(2025)
    assert (year.start, year.end, year.label) == (date(2025, 9, 1), date(2026, 8, 31), "2025-2026")
    assert year.contains(date(2026, 2, 28)) and not year.contains(date(2026, 9, 1))


def test_its_bounds_are_paris_midnights():
    year = SchoolYear(2025)
    # Paris is UTC+2 in summer: the year starts at 22:00 UTC on 31 August.
    assert year.starts_at.astimezone(UTC) == datetime(2025, 8, 31, 22, 0, tzinfo=UTC)
    assert year.ends_before.astimezone(UTC) == datetime(2026, 8, 31, 22, 0, tzinfo=UTC)
    late_on_31_august = datetime(2026, 8, 31, 21, 59, tzinfo=UTC)  # 23:59 in Paris
    assert year.starts_at <= late_on_31_august < year.ends_before


def test_a_year_asked_for_parses_or_falls_back():
    default = SchoolYear(2025)
    assert SchoolYear.parse("2023", default) == SchoolYear(2023)
    assert SchoolYear.parse("2023-2024", default) == SchoolYear(2023)
    for bad in (None, "", "abc", "99", "1800", "2025x", "２０２３"):
        assert SchoolYear.parse(bad, default) == default
    assert SchoolYear(2025).previous(3) == [SchoolYear(2025), SchoolYear(2024), SchoolYear(2023)]


def test_coverage_joins_the_declarations_periods():
    first, last = date(2025, 10, 1), date(2026, 3, 1)
    assert _coverage([], first, last) == Coverage.NOT_COVERED
    assert _coverage([(date(2024, 1, 1), date(2026, 12, 31))], first, last) == Coverage.COVERED
    # One ends in the middle, the next one starts the day after: covered end to end.
    joined = [(date(2023, 1, 1), date(2025, 12, 31)), (date(2026, 1, 1), date(2028, 12, 31))]
    assert _coverage(joined, first, last) == Coverage.COVERED
    # A gap in January.
    gap = [(date(2023, 1, 1), date(2025, 12, 31)), (date(2026, 2, 1), date(2028, 12, 31))]
    assert _coverage(gap, first, last) == Coverage.PARTLY
    assert _coverage([(date(2026, 6, 1), date(2029, 5, 31))], first, last) == Coverage.NOT_COVERED
