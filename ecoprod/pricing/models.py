"""A priced line: what a quote line and an invoice line both are.

``PricedLineMixin`` gives both tables the same columns (kind, description, workshop, unit,
quantity, unit price, discount, VAT rate) and the same arithmetic (``money.line_amounts``);
each table keeps its own key, position and constraints. ``PricedLineInput`` is what an
editor hands to the services.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ecoprod.database import Line, Money, Quantity, ScaledDecimal, enum_type
from ecoprod.i18n import label
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.money import LineAmounts, line_amounts
from ecoprod.orders.models import Unit


class LineKind(enum.StrEnum):
    LABOUR = "labour"
    MATERIAL = "material"
    OTHER = "other"
    LABOUR_ONLY = "labour_only"  # work on material the customer supplies

    @property
    def label(self) -> str:
        return label(LINE_KIND_LABELS[self])


LINE_KIND_LABELS = {
    LineKind.LABOUR: _l("Labour"),
    LineKind.MATERIAL: _l("Material"),
    LineKind.OTHER: _l("Other"),
    LineKind.LABOUR_ONLY: _l("Labour on supplied material"),
}


class PricedLineMixin:
    kind: Mapped[LineKind] = mapped_column(enum_type(LineKind, 20))
    description: Mapped[str] = mapped_column(Line(500))
    # The workshop that does the work: revenue per workshop reads it.
    workshop_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workshops.id"))
    unit: Mapped[Unit] = mapped_column(enum_type(Unit, 10))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit_price: Mapped[Decimal] = mapped_column(Money())
    discount_percent: Mapped[Decimal] = mapped_column(ScaledDecimal(2), default=Decimal("0"))
    vat_rate: Mapped[Decimal] = mapped_column(ScaledDecimal(2))

    @property
    def amounts(self) -> LineAmounts:
        return line_amounts(self.quantity, self.unit_price, self.discount_percent)

    @property
    def net(self) -> Decimal:
        return self.amounts.net

    @classmethod
    def net_cents_sql(cls) -> sa.ColumnElement[int]:
        """The line's net in cents computed by the database, rounded as ``line_amounts``
        rounds (half away from zero, gross first, then the discount), for figures that add
        up thousands of lines without loading them. The columns hold scaled integers
        (``ScaledDecimal``): thousandths, cents and hundredths of a percent."""
        quantity = sa.type_coerce(cls.quantity, sa.BigInteger)
        price = sa.type_coerce(cls.unit_price, sa.BigInteger)
        discount = sa.type_coerce(cls.discount_percent, sa.BigInteger)
        # Literals written in the SQL: numeric on PostgreSQL (whose float rounding is half to
        # even), real on SQLite (exact here: halves of integers are exact in binary).
        thousand, ten_thousand = sa.literal_column("1000.0"), sa.literal_column("10000.0")
        gross = sa.cast(sa.func.round(quantity * price / thousand), sa.BigInteger)
        return gross - sa.cast(sa.func.round(gross * discount / ten_thousand), sa.BigInteger)


PRICED_FIELDS = (
    "kind",
    "description",
    "workshop_id",
    "unit",
    "quantity",
    "unit_price",
    "discount_percent",
    "vat_rate",
)


def priced_fields(source: object, **changes: Any) -> dict[str, Any]:
    """The priced columns of a line or an input, to make another line of them (with changes)."""
    return {name: getattr(source, name) for name in PRICED_FIELDS} | changes


@dataclass
class PricedLineInput:
    kind: LineKind
    description: str
    unit: Unit
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    discount_percent: Decimal = Decimal("0")
    workshop_id: int | None = None
