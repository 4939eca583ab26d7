"""Invoices, deposit invoices and credit notes (one table, a kind), their lines and payments.

A draft has no number and can change. Issuing draws the number, freezes the amounts and
stores the Factur-X PDF with its SHA-256; from then on the database itself refuses any
change to the number, the amounts, the lines or the PDF (triggers of migration 0007), and
any deletion. Corrections are credit notes.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecoprod.customers.models import PaymentTerms
from ecoprod.database import (
    Address,
    Line,
    Money,
    ScaledDecimal,
    TimestampMixin,
    UTCDateTime,
    address_columns,
    enum_type,
)
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


class InvoiceKind(enum.StrEnum):
    INVOICE = "invoice"
    DEPOSIT = "deposit"
    CREDIT_NOTE = "credit_note"

    @property
    def label(self) -> str:
        return label(INVOICE_KIND_LABELS[self])


INVOICE_KIND_LABELS = {
    InvoiceKind.INVOICE: _l("Invoice"),
    InvoiceKind.DEPOSIT: _l("Deposit invoice"),
    InvoiceKind.CREDIT_NOTE: _l("Credit note"),
}


class InvoiceState(enum.StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"

    @property
    def label(self) -> str:
        return label(INVOICE_STATE_LABELS[self])

    @property
    def tone(self) -> str:
        return {"draft": "neutral", "issued": "info", "partially_paid": "warning", "paid": "success"}[
            self.value
        ]


INVOICE_STATE_LABELS = {
    InvoiceState.DRAFT: lazy_pgettext("invoice", "Draft"),
    InvoiceState.ISSUED: lazy_pgettext("invoice", "Issued"),
    InvoiceState.PARTIALLY_PAID: _l("Partially paid"),
    InvoiceState.PAID: lazy_pgettext("invoice", "Paid"),
}
# An invoice rejected or refused through the e-invoicing platform, cancelled in the accounts.
CANCELLED_LABEL = lazy_pgettext("invoice", "Cancelled")
CREDIT_NOTE_STATE_LABELS = {
    InvoiceState.DRAFT: lazy_pgettext("credit note", "Draft"),
    InvoiceState.ISSUED: lazy_pgettext("credit note", "Issued"),
}


class Category(enum.StrEnum):
    """What the invoice sells (a mention of the e-invoicing reform; BT-23's first letter)."""

    GOODS = "goods"
    SERVICES = "services"
    MIXED = "mixed"

    @property
    def label(self) -> str:
        return label(CATEGORY_LABELS[self])


CATEGORY_LABELS = {
    Category.GOODS: _l("Delivery of goods"),
    Category.SERVICES: _l("Provision of services"),
    Category.MIXED: _l("Goods and services"),
}


class PaymentMethod(enum.StrEnum):
    TRANSFER = "transfer"
    CHEQUE = "cheque"
    CARD = "card"
    CASH = "cash"
    OTHER = "other"

    @property
    def label(self) -> str:
        return label(PAYMENT_METHOD_LABELS[self])


PAYMENT_METHOD_LABELS = {
    PaymentMethod.TRANSFER: _l("Bank transfer"),
    PaymentMethod.CHEQUE: _l("Cheque"),
    PaymentMethod.CARD: _l("Card"),
    PaymentMethod.CASH: _l("Cash"),
    PaymentMethod.OTHER: _l("Other"),
}

invoice_orders = sa.Table(
    "invoice_orders",
    db.metadata,
    sa.Column("invoice_id", sa.ForeignKey("invoices.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("order_id", sa.ForeignKey("orders.id"), primary_key=True),
)


UNPAID_SQL = "state IN ('issued', 'partially_paid') AND kind <> 'credit_note'"


class InvoiceFacts:
    """What an invoice says of itself from its columns (``id``, ``kind``, ``state``,
    ``number``, ``cancelled_by_id``, ``amount_due``, ``settled``): the record's words, and
    those of a list's rows read as plain columns (``invoicing.views.invoices.InvoiceRow``)."""

    __slots__ = ()

    @property
    def is_draft(self) -> bool:
        return self.state is InvoiceState.DRAFT

    @property
    def is_credit_note(self) -> bool:
        return self.kind is InvoiceKind.CREDIT_NOTE

    @property
    def state_label(self) -> str:
        """The state in words that agree with the document (in French « un avoir émis »)."""
        if self.cancelled_by_id is not None:
            return label(CANCELLED_LABEL)
        if self.is_credit_note and self.state in CREDIT_NOTE_STATE_LABELS:
            return label(CREDIT_NOTE_STATE_LABELS[self.state])
        return self.state.label

    @property
    def state_tone(self) -> str:
        return "neutral" if self.cancelled_by_id is not None else self.state.tone

    @property
    def reference(self) -> str:
        return self.number or f"#{self.id}"

    @property
    def balance(self) -> Decimal:
        """What the customer still owes on it (negative: a credit in their favour)."""
        if self.is_credit_note or self.amount_due is None:
            return Decimal("0")
        return self.amount_due - self.settled


class Invoice(InvoiceFacts, TenantMixin, TimestampMixin, db.Model):
    __tablename__ = "invoices"
    __table_args__ = (
        sa.UniqueConstraint("school_id", "number"),
        sa.Index("ix_invoices_school_state_due", "school_id", "state", "due_date"),
        # The invoices list: drafts first, then the latest issued (invoicing.views.DRAFTS_FIRST).
        sa.Index(
            "ix_invoices_school_issued", "school_id", sa.text("coalesce(issue_date, '9999-12-31')"), "id"
        ),
        sa.Index("ix_invoices_school_issue_date", "school_id", "issue_date"),  # the figures after the mark
        # What customers owe (the dashboard, the operator's list): the unpaid invoices only.
        sa.Index(
            "ix_invoices_school_unpaid",
            "school_id",
            "due_date",
            postgresql_include=["amount_due", "settled"],
            postgresql_where=sa.text(UNPAID_SQL),
            sqlite_where=sa.text(UNPAID_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[InvoiceKind] = mapped_column(enum_type(InvoiceKind, 20), default=InvoiceKind.INVOICE)
    state: Mapped[InvoiceState] = mapped_column(enum_type(InvoiceState, 20), default=InvoiceState.DRAFT)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    number: Mapped[str | None] = mapped_column(Line(30))
    issue_date: Mapped[date | None] = mapped_column(sa.Date)
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    delivery_date: Mapped[date | None] = mapped_column(sa.Date)  # of the sale (last delivery)
    period_start: Mapped[date | None] = mapped_column(sa.Date)
    period_end: Mapped[date | None] = mapped_column(sa.Date)
    language: Mapped[str] = mapped_column(Line(5), default="fr")
    category: Mapped[Category] = mapped_column(enum_type(Category, 10), default=Category.MIXED)
    discount_percent: Mapped[Decimal] = mapped_column(ScaledDecimal(2), default=Decimal("0"))
    # The buyer as billed, frozen at issue (the customer record may change later).
    buyer_name: Mapped[str | None] = mapped_column(Line(200))
    buyer_siren: Mapped[str | None] = mapped_column(Line(9))
    buyer_vat_number: Mapped[str | None] = mapped_column(Line(20))
    # BT-49: where the buyer receives e-invoices, the annuaire's addressing line (its SIREN
    # when the school has no platform or the buyer is not a French company's).
    buyer_address: Mapped[str | None] = mapped_column(Line(125))
    billing_address: Mapped[Address] = address_columns("billing")
    delivery_address: Mapped[Address] = address_columns("delivery")
    buyer_reference: Mapped[str | None] = mapped_column(Line(80))  # the purchase order (BT-13)
    # A public buyer's service code (BT-10, the Chorus Pro "code service"), from the customer.
    service_code: Mapped[str | None] = mapped_column(Line(100))
    payment_terms: Mapped[PaymentTerms | None] = mapped_column(enum_type(PaymentTerms, 20))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    # Frozen totals (issued documents); drafts compute them from their lines.
    total_net: Mapped[Decimal | None] = mapped_column(Money())
    total_vat: Mapped[Decimal | None] = mapped_column(Money())
    total_gross: Mapped[Decimal | None] = mapped_column(Money())
    prepaid: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))  # deposits deducted (BT-113)
    amount_due: Mapped[Decimal | None] = mapped_column(Money())  # BT-115
    # What was paid or credited against it, kept in step by the payment services.
    settled: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    credited_invoice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    deposit_percent: Mapped[Decimal | None] = mapped_column(ScaledDecimal(2))
    # A deposit invoice, once deducted from a final invoice: which one.
    deducted_in_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoices.id"))
    # An invoice the platform rejected (213) or the buyer refused (210): cancelled in the
    # accounts by this internal credit note, kept and never sent (XP Z12-014 §4.2.2, §4.2.5).
    cancelled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoices.id"))
    pdf_sha256: Mapped[str | None] = mapped_column(Line(64))
    pdf_size: Mapped[int | None]
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    last_reminder_on: Mapped[date | None] = mapped_column(sa.Date)
    row_version: Mapped[int] = mapped_column(default=1, server_default=sa.text("1"))
    __mapper_args__ = {"version_id_col": row_version}

    customer: Mapped[Customer] = relationship()
    orders: Mapped[list[Order]] = relationship(secondary=invoice_orders, order_by="Order.id")
    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="InvoiceLine.position"
    )
    payments: Mapped[list[Payment]] = relationship(back_populates="invoice", order_by="Payment.paid_on")
    credited_invoice: Mapped[Invoice | None] = relationship(
        remote_side=[id], foreign_keys=[credited_invoice_id]
    )
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])

    @property
    def is_internal(self) -> bool:
        """An internal credit note: it cancels a rejected or refused invoice in the accounts,
        and is archived, never sent to the buyer (BT-21 ``BAR`` note ``ARCHIVEONLY``)."""
        credited = self.credited_invoice
        return self.is_credit_note and credited is not None and credited.cancelled_by_id == self.id

    def totals(self) -> Totals:
        return compute_totals(((line.net, line.vat_rate) for line in self.lines), self.discount_percent)


class InvoiceLine(PricedLineMixin, TenantMixin, db.Model):
    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    # Tied to the order and its accepted quote's line (None for a line typed by hand).
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    quote_line_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quote_lines.id"), index=True)
    # On a credit note: the issued invoice's line it credits (None for a free line).
    credited_line_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoice_lines.id"), index=True)

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class Payment(TenantMixin, TimestampMixin, db.Model):
    __tablename__ = "payments"
    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    paid_on: Mapped[date] = mapped_column(sa.Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    method: Mapped[PaymentMethod] = mapped_column(enum_type(PaymentMethod, 10))
    reference: Mapped[str | None] = mapped_column(Line(120))
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    invoice: Mapped[Invoice] = relationship(back_populates="payments")


class DayFigures(TenantMixin, db.Model):
    """A school's closed day added up once (``invoicing.day_figures``), so the dashboard and
    the operator's list read a few hundred rows whatever the years of invoices behind them:
    the revenue of the day's invoice and credit note lines per workshop, in micro-euros (each
    line's net in cents times what its document's discount leaves, in hundredths of a
    percent), and, on the row without a workshop, the orders whose last delivery fell that
    day and how many of them by their promised date."""

    __tablename__ = "day_figures"
    __table_args__ = (sa.Index("ix_day_figures_school_day", "school_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date)
    workshop_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workshops.id"))
    revenue: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    delivered: Mapped[int] = mapped_column(default=0)
    on_time: Mapped[int] = mapped_column(default=0)


class FiguresMark(TenantMixin, db.Model):
    """The last day of a school whose figures are in ``DayFigures`` (every day up to it is;
    none after it): what comes after is added up live."""

    __tablename__ = "figure_marks"
    __table_args__ = (sa.UniqueConstraint("school_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    through: Mapped[date] = mapped_column(sa.Date)
