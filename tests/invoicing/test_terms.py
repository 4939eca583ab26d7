"""Due dates from payment terms (the legal ceilings) and the late-payment penalty."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ecoprod.customers.models import PaymentTerms
from ecoprod.invoicing import services


@pytest.mark.parametrize(
    ("terms", "issued", "due"),
    [
        (None, date(2026, 3, 10), date(2026, 3, 10)),
        (PaymentTerms.NET_30, date(2026, 1, 31), date(2026, 3, 2)),
        (PaymentTerms.NET_60, date(2026, 11, 30), date(2027, 1, 29)),
        (PaymentTerms.NET_45_EOM, date(2026, 1, 20), date(2026, 3, 31)),  # 45 days: 6 March, then month end
        (PaymentTerms.NET_45_EOM, date(2026, 12, 20), date(2027, 2, 28)),
    ],
)
def test_due_dates(terms, issued, due):
    assert services.due_date(issued, terms) == due


class _Invoice:
    def __init__(self, balance, due_date):
        self.balance, self.due_date = balance, due_date


def test_the_penalty_runs_per_day_late_on_the_balance():
    late = _Invoice(Decimal("1000.00"), date(2026, 1, 1))
    # 1,000 € × 12.15 % × 73 days / 365 = 24.30 €
    assert services.late_penalty(late, Decimal("12.15"), date(2026, 3, 15)) == Decimal("24.30")
    assert services.late_penalty(late, Decimal("12.15"), date(2026, 1, 1)) == Decimal("0")
    assert services.late_penalty(
        _Invoice(Decimal("0"), date(2026, 1, 1)), Decimal("12.15"), date(2026, 6, 1)
    ) == Decimal("0")
    assert services.days_late(late, date(2026, 3, 15)) == 73
