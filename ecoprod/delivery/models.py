"""Delivery notes (bons de livraison). Issued at once with their number, then frozen:
only the reception (who received, when, with which reservations, or the signed scan)
is recorded afterwards."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecoprod.database import Address, Line, Quantity, TimestampMixin, UTCDateTime, address_columns, enum_type
from ecoprod.extensions import db
from ecoprod.orders.models import Unit
from ecoprod.tenancy import TenantMixin

if TYPE_CHECKING:
    from ecoprod.accounts.models import User
    from ecoprod.customers.models import Customer
    from ecoprod.orders.models import Order, OrderLine


class DeliveryNote(TenantMixin, TimestampMixin, db.Model):
    __tablename__ = "delivery_notes"
    __table_args__ = (
        sa.UniqueConstraint("school_id", "number"),
        sa.Index("ix_delivery_notes_school_list", "school_id", "id"),  # the deliveries list
        sa.Index("ix_delivery_notes_school_issue_date", "school_id", "issue_date"),  # today's figures
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    number: Mapped[str] = mapped_column(Line(30))
    issue_date: Mapped[date] = mapped_column(sa.Date)
    delivery_address: Mapped[Address] = address_columns("delivery")
    customer_reference: Mapped[str | None] = mapped_column(Line(80))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    pdf_sha256: Mapped[str | None] = mapped_column(Line(64))
    # Reception, by the customer online or from the signed paper the school scanned.
    received_name: Mapped[str | None] = mapped_column(Line(120))
    received_on: Mapped[date | None] = mapped_column(sa.Date)
    reservations: Mapped[str | None] = mapped_column(sa.Text)
    received_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scan_file: Mapped[str | None] = mapped_column(Line(64))
    scan_content_type: Mapped[str | None] = mapped_column(Line(40))

    order: Mapped[Order] = relationship()
    customer: Mapped[Customer] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    received_by: Mapped[User | None] = relationship(foreign_keys=[received_by_id])
    lines: Mapped[list[DeliveryLine]] = relationship(
        back_populates="note", cascade="all, delete-orphan", order_by="DeliveryLine.position"
    )

    @property
    def received(self) -> bool:
        return self.received_at is not None


class DeliveryLine(TenantMixin, db.Model):
    __tablename__ = "delivery_lines"
    __table_args__ = (sa.CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_note_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delivery_notes.id", ondelete="CASCADE"), index=True
    )
    order_line_id: Mapped[int] = mapped_column(sa.ForeignKey("order_lines.id"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    description: Mapped[str] = mapped_column(Line(500))
    unit: Mapped[Unit] = mapped_column(enum_type(Unit, 10))
    ordered: Mapped[Decimal] = mapped_column(Quantity())
    quantity: Mapped[Decimal] = mapped_column(Quantity())  # delivered with this note
    remaining: Mapped[Decimal] = mapped_column(Quantity())  # still to deliver after it

    note: Mapped[DeliveryNote] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()
