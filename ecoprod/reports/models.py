"""What the material of an order really cost, as the master records it from the supplier's
bills: the other half of the margin beside the material the quote priced."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecoprod.database import Line, Money, UTCDateTime, utcnow
from ecoprod.extensions import db
from ecoprod.tenancy import TenantMixin

if TYPE_CHECKING:
    from ecoprod.workshops.models import Workshop


class MaterialCost(TenantMixin, db.Model):
    """One purchase of material for an order (a bill of steel, of wood…), excl. VAT."""

    __tablename__ = "material_costs"
    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    # The workshop the material went to, when it went to one (the margins per workshop).
    workshop_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workshops.id"))
    label: Mapped[str] = mapped_column(Line(200))
    amount: Mapped[Decimal] = mapped_column(Money())
    spent_on: Mapped[date] = mapped_column(sa.Date)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    workshop: Mapped[Workshop | None] = relationship()
