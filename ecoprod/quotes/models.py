"""Quotes and their lines. A sent quote is frozen; a revision is a new version."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecoprod.database import Line, Money, ScaledDecimal, TimestampMixin, UTCDateTime, enum_type
from ecoprod.extensions import db
from ecoprod.i18n import label, lazy_pgettext
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.money import Totals, compute_totals
from ecoprod.pricing.models import PricedLineMixin
from ecoprod.tenancy import TenantMixin

if TYPE_CHECKING:
    from ecoprod.accounts.models import User
    from ecoprod.customers.models import Customer
    from ecoprod.orders.models import Order
    from ecoprod.workshops.models import Workshop


class QuoteState(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"  # refused by the customer
    EXPIRED = "expired"
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        return label(QUOTE_STATE_LABELS[self])

    @property
    def tone(self) -> str:
        return QUOTE_STATE_TONES[self]


QUOTE_STATE_LABELS = {
    QuoteState.DRAFT: lazy_pgettext("quote", "Draft"),
    QuoteState.SENT: _l("Awaiting answer"),
    QuoteState.ACCEPTED: lazy_pgettext("quote", "Accepted"),
    QuoteState.DECLINED: _l("Refused"),
    QuoteState.EXPIRED: _l("Expired"),
    QuoteState.SUPERSEDED: _l("Superseded"),
}
QUOTE_STATE_TONES = {
    QuoteState.DRAFT: "neutral",
    QuoteState.SENT: "info",
    QuoteState.ACCEPTED: "success",
    QuoteState.DECLINED: "danger",
    QuoteState.EXPIRED: "warning",
    QuoteState.SUPERSEDED: "neutral",
}


class PdfStatus(enum.StrEnum):
    NONE = "none"
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


class QuoteFacts:
    """What a quote is called, from its ``base_number`` and ``version``: the record's name, and
    that of the list's rows read as plain columns (``quotes.views.QuoteRow``)."""

    __slots__ = ()

    @property
    def number(self) -> str | None:
        """``DEV-2026-0001``, then ``DEV-2026-0001-v2`` for a revision; None for a first draft."""
        if self.base_number is None:
            return None
        return self.base_number if self.version == 1 else f"{self.base_number}-v{self.version}"

    @property
    def reference(self) -> str:
        return self.number or str(_l("Draft quote"))


class Quote(QuoteFacts, TenantMixin, TimestampMixin, db.Model):
    __tablename__ = "quotes"
    __table_args__ = (
        sa.UniqueConstraint("school_id", "base_number", "version"),
        sa.CheckConstraint("discount_percent >= 0 AND discount_percent <= 10000", name="discount_range"),
        sa.Index("ix_quotes_customer_state", "customer_id", "state"),
        sa.Index("ix_quotes_school_updated", "school_id", "updated_at", "id"),  # the quotes list
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # DEV-2026-0001, drawn when the first version is sent; versions share it.
    base_number: Mapped[str | None] = mapped_column(Line(30))
    version: Mapped[int] = mapped_column(default=1)
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quotes.id"))
    state: Mapped[QuoteState] = mapped_column(enum_type(QuoteState, 20), default=QuoteState.DRAFT)
    language: Mapped[str] = mapped_column(Line(5), default="fr")

    issue_date: Mapped[date | None] = mapped_column(sa.Date)
    valid_until: Mapped[date | None] = mapped_column(sa.Date)
    promised_date: Mapped[date | None] = mapped_column(sa.Date)
    lead_time: Mapped[str | None] = mapped_column(Line(200))
    conditions: Mapped[str | None] = mapped_column(sa.Text)
    discount_percent: Mapped[Decimal] = mapped_column(ScaledDecimal(2), default=Decimal("0"))

    # Frozen when sent.
    total_net: Mapped[Decimal | None] = mapped_column(Money())
    total_vat: Mapped[Decimal | None] = mapped_column(Money())
    total_gross: Mapped[Decimal | None] = mapped_column(Money())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    # The PDF, rendered once after sending and then served unchanged.
    pdf_status: Mapped[PdfStatus] = mapped_column(enum_type(PdfStatus, 10), default=PdfStatus.NONE)
    pdf_sha256: Mapped[str | None] = mapped_column(Line(64))
    pdf_size: Mapped[int | None]
    pdf_error: Mapped[str | None] = mapped_column(sa.Text)
    pdf_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # a worker renders it

    # The customer's answer.
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    accepted_name: Mapped[str | None] = mapped_column(Line(120))
    accepted_ip: Mapped[str | None] = mapped_column(Line(45))
    accepted_user_agent: Mapped[str | None] = mapped_column(Line(400))
    accepted_pdf_sha256: Mapped[str | None] = mapped_column(Line(64))
    accepted_copy_sha256: Mapped[str | None] = mapped_column(Line(64))  # the stamped copy
    refusal_reason: Mapped[str | None] = mapped_column(sa.Text)

    # Optimistic locking: a quote cannot be accepted and revised (or accepted twice) at once.
    row_version: Mapped[int] = mapped_column(default=1, server_default=sa.text("1"))
    __mapper_args__ = {"version_id_col": row_version}

    order: Mapped[Order] = relationship()
    customer: Mapped[Customer] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    lines: Mapped[list[QuoteLine]] = relationship(
        back_populates="quote", order_by="QuoteLine.position", cascade="all, delete-orphan"
    )

    def totals(self) -> Totals:
        """Computed from the lines (the stored totals are the same, frozen at sending)."""
        return compute_totals(((line.net, line.vat_rate) for line in self.lines), self.discount_percent)

    def __repr__(self) -> str:
        return f"<Quote {self.number or self.id} {self.state}>"


class QuoteLine(PricedLineMixin, TenantMixin, db.Model):
    __tablename__ = "quote_lines"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        sa.CheckConstraint("discount_percent >= 0 AND discount_percent <= 10000", name="discount_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(sa.ForeignKey("quotes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    quote: Mapped[Quote] = relationship(back_populates="lines")
    workshop: Mapped[Workshop | None] = relationship()
