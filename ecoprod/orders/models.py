"""Order requests and the orders they become: lines, drawings and the recorded timeline."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecoprod.database import (
    Address,
    Line,
    Quantity,
    TimestampMixin,
    UTCDateTime,
    address_columns,
    enum_type,
    utcnow,
)
from ecoprod.extensions import db
from ecoprod.i18n import label, lazy_pgettext
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.tenancy import TenantMixin
from ecoprod.workshops.models import Trade

if TYPE_CHECKING:
    from ecoprod.accounts.models import User
    from ecoprod.customers.models import Customer


class OrderState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    QUOTED = "quoted"
    ACCEPTED = "accepted"
    PLANNED = "planned"
    IN_PRODUCTION = "in_production"
    READY = "ready"
    PARTIALLY_DELIVERED = "partially_delivered"
    DELIVERED = "delivered"
    INVOICED = "invoiced"
    CLOSED = "closed"
    DECLINED = "declined"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return label(ORDER_STATE_LABELS[self])

    @property
    def tone(self) -> str:
        """The badge colour family; the label always says the state in words too."""
        return ORDER_STATE_TONES.get(self, "neutral")


# The states grouped as the lists' tabs and the figures count them.
IN_PROGRESS = (
    OrderState.ACCEPTED,
    OrderState.PLANNED,
    OrderState.IN_PRODUCTION,
    OrderState.READY,
    OrderState.PARTIALLY_DELIVERED,
)
DONE = (OrderState.DELIVERED, OrderState.INVOICED, OrderState.CLOSED)  # delivered in full
# A firm order, from the customer's acceptance on: its work, its progress, its invoices and
# the material bought for it.
FIRM = frozenset((*IN_PROGRESS, *DONE))

ORDER_STATE_LABELS = {
    OrderState.DRAFT: _l("Draft"),
    OrderState.SUBMITTED: _l("Submitted"),
    OrderState.QUOTED: _l("Quoted"),
    OrderState.ACCEPTED: _l("Accepted"),
    OrderState.PLANNED: _l("Planned"),
    OrderState.IN_PRODUCTION: _l("In production"),
    OrderState.READY: _l("Ready"),
    OrderState.PARTIALLY_DELIVERED: _l("Partially delivered"),
    OrderState.DELIVERED: lazy_pgettext("order", "Delivered"),
    OrderState.INVOICED: _l("Invoiced"),
    OrderState.CLOSED: _l("Closed"),
    OrderState.DECLINED: _l("Declined"),
    OrderState.CANCELLED: _l("Cancelled"),
}

ORDER_STATE_TONES = {
    OrderState.DRAFT: "neutral",
    OrderState.SUBMITTED: "info",
    OrderState.QUOTED: "info",
    OrderState.ACCEPTED: "success",
    OrderState.PLANNED: "success",
    OrderState.IN_PRODUCTION: "progress",
    OrderState.READY: "success",
    OrderState.PARTIALLY_DELIVERED: "progress",
    OrderState.DELIVERED: "success",
    OrderState.INVOICED: "neutral",
    OrderState.CLOSED: "neutral",
    OrderState.DECLINED: "danger",
    OrderState.CANCELLED: "danger",
}


class Unit(enum.StrEnum):
    PIECE = "piece"
    SET = "set"
    KILOGRAM = "kg"
    METRE = "m"
    SQUARE_METRE = "m2"
    LITRE = "l"
    HOUR = "h"
    FLAT = "flat"

    @property
    def label(self) -> str:
        return label(UNIT_LABELS[self])


UNIT_LABELS = {
    Unit.PIECE: _l("piece(s)"),
    Unit.SET: _l("set(s)"),
    Unit.KILOGRAM: _l("kg"),
    Unit.METRE: _l("m"),
    Unit.SQUARE_METRE: _l("m²"),
    Unit.LITRE: _l("litre(s)"),
    Unit.HOUR: _l("h"),
    Unit.FLAT: _l("flat rate"),
}


def order_reference(number: str | None, order_id: int) -> str:
    """What people call an order: its number once submitted, else a draft marker."""
    return number or f"#{order_id}"


class Order(TenantMixin, TimestampMixin, db.Model):
    """One customer need, from the draft request to the closed order."""

    __tablename__ = "orders"
    __table_args__ = (
        sa.UniqueConstraint("school_id", "number"),
        sa.Index("ix_orders_school_state_submitted", "school_id", "state", "submitted_at"),
        sa.Index("ix_orders_customer_created", "customer_id", "created_at"),
        sa.Index("ix_orders_school_created", "school_id", "created_at", "id"),  # the requests list
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # Given on submission (DDE-2026-0001); a draft has none.
    number: Mapped[str | None] = mapped_column(Line(30))
    title: Mapped[str] = mapped_column(Line(200))
    customer_reference: Mapped[str | None] = mapped_column(Line(60))
    desired_date: Mapped[date | None] = mapped_column(sa.Date)
    delivery_address: Mapped[Address] = address_columns("delivery")
    notes: Mapped[str | None] = mapped_column(sa.Text)
    state: Mapped[OrderState] = mapped_column(enum_type(OrderState, 30), default=OrderState.DRAFT)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when a quote is accepted: the date the school committed to.
    promised_date: Mapped[date | None] = mapped_column(sa.Date)
    # The day the masters were last warned that the order may be late (once a day at most).
    late_notified_on: Mapped[date | None] = mapped_column(sa.Date)

    # Optimistic locking: two people moving the same order at once cannot both win.
    row_version: Mapped[int] = mapped_column(default=1, server_default=sa.text("1"))
    # The delivered order this request repeats (the customer's "order again").
    reorder_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"))
    __mapper_args__ = {"version_id_col": row_version}

    reorder_of: Mapped[Order | None] = relationship(remote_side="Order.id", foreign_keys=[reorder_of_id])
    customer: Mapped[Customer] = relationship()
    created_by: Mapped[User] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.position", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="order", order_by="Attachment.created_at", cascade="all, delete-orphan"
    )
    events: Mapped[list[OrderEvent]] = relationship(
        back_populates="order", order_by="OrderEvent.id", cascade="all, delete-orphan"
    )

    @property
    def reference(self) -> str:
        return order_reference(self.number, self.id)

    @property
    def trades(self) -> list[Trade]:
        return sorted({line.trade for line in self.lines}, key=lambda trade: trade.value)

    def __repr__(self) -> str:
        return f"<Order {self.reference} {self.state}>"


class OrderLine(TenantMixin, db.Model):
    __tablename__ = "order_lines"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        # Lines of an order, and "does this order need one of these trades?" (the inbox).
        sa.Index("ix_order_lines_order_trade", "order_id", "trade"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(Line(500))
    material: Mapped[str | None] = mapped_column(Line(200))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit: Mapped[Unit] = mapped_column(enum_type(Unit, 10), default=Unit.PIECE)
    trade: Mapped[Trade] = mapped_column(enum_type(Trade, 40))
    notes: Mapped[str | None] = mapped_column(sa.Text)

    order: Mapped[Order] = relationship(back_populates="lines")


class Attachment(TenantMixin, db.Model):
    """A drawing attached to an order; the file lives under instance/ with a random name."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(Line(255))
    stored_name: Mapped[str] = mapped_column(Line(64), unique=True)
    kind: Mapped[str] = mapped_column(Line(10))
    content_type: Mapped[str] = mapped_column(Line(80))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(Line(64))
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    order: Mapped[Order] = relationship(back_populates="attachments")


class OrderEvent(TenantMixin, db.Model):
    """One step of an order's life: who moved it, when, from which state to which."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[OrderState | None] = mapped_column(enum_type(OrderState, 30))
    to_state: Mapped[OrderState] = mapped_column(enum_type(OrderState, 30))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reason: Mapped[str | None] = mapped_column(sa.Text)

    order: Mapped[Order] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
