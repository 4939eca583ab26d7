"""``i18n.money`` fills in Babel's currency format instead of calling it for every amount;
it must write exactly what Babel writes, in French and English, signs and roundings included."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from babel import numbers as babel_numbers
from flask import Flask
from flask_babel import force_locale

from ecoprod import i18n

EDGES = ["0", "-0", "0.00", "-0.00", "0.005", "-0.005", "0.015", "0.025", "1234.565", "-1234.5", "1E+6",
         "999999999.99", "-0.001", "12", "1.1", "100000", "-100000.01"]  # fmt: skip


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_money_writes_what_babel_writes(app: Flask, locale: str) -> None:
    rng = random.Random(locale)
    values = [Decimal(v) for v in EDGES]
    values += [Decimal(rng.randint(-(10**11), 10**11)) / 100 for _ in range(2000)]
    values += [Decimal(rng.randint(-(10**7), 10**7)) / 1000 for _ in range(500)]
    with app.test_request_context(), force_locale(locale):
        written = [(v, i18n.money(v), babel_numbers.format_currency(v, "EUR", locale=locale)) for v in values]
    assert [w for w in written if w[1] != w[2]] == []
    assert i18n.money(Decimal("1234.5")) != "" and i18n.money(None) == ""


def test_money_in_french_reads_as_french(app: Flask) -> None:
    with app.test_request_context(), force_locale("fr"):
        assert i18n.money(Decimal("-1234.5")) == "-1\u202f234,50\xa0€"
    with app.test_request_context(), force_locale("en"):
        assert i18n.money(Decimal("-1234.5")) == "-€1,234.50"


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_dates_and_numbers_kept_write_what_babel_writes(app: Flask, locale: str) -> None:
    from datetime import UTC, date, datetime, timedelta

    from babel import dates as babel_dates

    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(0, 900, 7)]
    moments = [datetime(2026, 3, 29, 0, 30, 15, tzinfo=UTC) + timedelta(minutes=37 * n) for n in range(200)]
    numbers = [Decimal(n) / 4 for n in range(-50, 50)] + [
        Decimal("1.0"),
        Decimal("1.00"),
        Decimal("12E+2"),
        3,
    ]
    with app.test_request_context(), force_locale(locale):
        for _ in range(2):  # written, then read back from what was kept
            assert [i18n.short_date(d) for d in days] == [
                babel_dates.format_date(d, "short", locale=locale) for d in days
            ]
            assert [i18n.short_date(m) for m in moments] == [
                babel_dates.format_datetime(m.astimezone(i18n.SCHOOL_TIMEZONE), "short", locale=locale)
                for m in moments
            ]
            assert [i18n.number(n) for n in numbers] == [
                babel_numbers.format_decimal(n, format="#,##0.###", locale=locale) for n in numbers
            ]
