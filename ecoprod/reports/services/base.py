"""What every figure of a report shares: the rows of one school (the request's tenant scope)
or of every school (the operator's network report, ``all_schools``), always keyed by school
first, each figure one aggregate statement."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from ecoprod.extensions import db

ZERO = Decimal("0")
HUNDREDTHS = Decimal("0.01")


def rows(stmt: sa.Select[Any], network: bool) -> list[Any]:
    """The statement's rows: the tenant scope's school, or every school for the network."""
    if network:
        stmt = stmt.execution_options(all_schools=True)
    return list(db.session.execute(stmt).all())


def scaled(column: sa.ColumnElement[Any]) -> sa.ColumnElement[int]:
    """A ``ScaledDecimal`` column as the integer it is stored as (to add up in SQL)."""
    return sa.type_coerce(column, sa.BigInteger)


def hours(value: object) -> Decimal:
    """A sum of hours stored in hundredths, back to hours."""
    return (Decimal(int(value or 0)) / 100).quantize(HUNDREDTHS)


def quantity(value: object) -> Decimal:
    """A sum of quantities stored in thousandths, back to a quantity."""
    return (Decimal(int(value or 0)) / 1000).quantize(HUNDREDTHS)


def ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part / whole`` to two places, None when there is no whole."""
    if not whole:
        return None
    return (part / whole).quantize(HUNDREDTHS)


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None
