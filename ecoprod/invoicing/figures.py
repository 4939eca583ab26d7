"""The administrator's figures: receivables, overdue, revenue per month and per workshop,
on-time deliveries, orders by state. Each is one aggregate query (the database adds up the
rows; a school's three years never reach Python) that the dashboard links to a list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from ecoprod.delivery.models import DeliveryNote
from ecoprod.extensions import db
from ecoprod.i18n import gettext as _
from ecoprod.i18n import local_today
from ecoprod.invoicing.models import Invoice, InvoiceKind, InvoiceLine, InvoiceState
from ecoprod.money import ZERO, to_cents
from ecoprod.orders.models import Order, OrderState
from ecoprod.workshops.models import Workshop

DELIVERED = (OrderState.DELIVERED, OrderState.INVOICED, OrderState.CLOSED)


@dataclass(frozen=True)
class Figures:
    receivables: Decimal
    receivables_count: int
    overdue: Decimal
    overdue_count: int
    months: list[tuple[date, Decimal]]  # first day of the month, revenue excl. VAT
    workshops: list[tuple[str, Decimal]]
    on_time: int | None  # percent of delivered orders delivered by the promised date
    delivered_count: int
    states: list[tuple[OrderState, int]]


@dataclass(frozen=True)
class Receivables:
    amount: Decimal
    count: int
    overdue: Decimal
    overdue_count: int


def _cents(column: sa.ColumnElement[Decimal]) -> sa.ColumnElement[int]:
    """A money column as the integer of cents it is stored as (``ScaledDecimal``)."""
    return sa.type_coerce(column, sa.BigInteger)


def euros(cents: object, scale: int = 100) -> Decimal:
    """An aggregate of cents (times ``scale / 100``) back to euros, to the cent."""
    return to_cents(Decimal(int(cents or 0)) / scale)


def first_of_month(day: date, back: int = 0) -> date:
    month = day.month - 1 - back
    return date(day.year + month // 12, month % 12 + 1, 1)


SIGN = sa.case((Invoice.kind == InvoiceKind.CREDIT_NOTE, -1), else_=1)  # a credit note takes back
REVENUE = (Invoice.number.is_not(None), Invoice.kind != InvoiceKind.DEPOSIT)  # deposits: not yet revenue


def receivables_query(today: date, *keys: sa.ColumnElement[Any]) -> sa.Select[Any]:
    """Per ``keys``: (count, cents owed, count late, cents late) on issued invoices."""
    balance = _cents(Invoice.amount_due) - _cents(Invoice.settled)
    late = Invoice.due_date < today
    return (
        sa.select(
            *keys,
            sa.func.count(),
            sa.func.sum(balance),
            sa.func.sum(sa.case((late, 1), else_=0)),
            sa.func.sum(sa.case((late, balance), else_=0)),
        )
        .where(
            Invoice.kind != InvoiceKind.CREDIT_NOTE,
            Invoice.state.in_([InvoiceState.ISSUED, InvoiceState.PARTIALLY_PAID]),
            balance > 0,
        )
        .group_by(*keys)
    )


def receivables(count: int, owed: object, late_count: object, late: object) -> Receivables:
    """A row of ``receivables_query`` (after its keys) as amounts."""
    return Receivables(euros(owed), count, euros(late), int(late_count or 0))


def invoiced_query(since: date, *keys: sa.ColumnElement[Any]) -> sa.Select[Any]:
    """Per ``keys``: cents invoiced excl. VAT since ``since``, as the invoices say (the sales
    journal's figure): invoices less credit notes."""
    return (
        sa.select(*keys, sa.func.sum(SIGN * _cents(Invoice.total_net)))
        .where(*REVENUE, Invoice.issue_date >= since)
        .group_by(*keys)
    )


def per_workshop(since: date) -> dict[int | None, Decimal]:
    """Revenue excl. VAT since ``since`` per workshop, from the invoice and credit note lines,
    each net after its document's discount (the invoices' totals are rounded once per
    document, so these add up to the months' figure within a cent per invoice)."""
    remaining = 10000 - sa.type_coerce(Invoice.discount_percent, sa.BigInteger)  # hundredths of a percent
    rows = db.session.execute(
        sa.select(InvoiceLine.workshop_id, sa.func.sum(SIGN * InvoiceLine.net_cents_sql() * remaining))
        .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
        .where(*REVENUE, Invoice.issue_date >= since)
        .group_by(InvoiceLine.workshop_id)
    )
    return {workshop: euros(total, 1_000_000) for workshop, total in rows}


def on_time(states: tuple[OrderState, ...] = DELIVERED) -> tuple[int, int]:
    """(delivered orders with a promised date, those whose last delivery was by that date)."""
    last_delivery = (
        sa.select(DeliveryNote.order_id, sa.func.max(DeliveryNote.issue_date).label("last"))
        .group_by(DeliveryNote.order_id)
        .subquery()
    )
    delivered, in_time = db.session.execute(
        sa.select(
            sa.func.count(), sa.func.sum(sa.case((last_delivery.c.last <= Order.promised_date, 1), else_=0))
        )
        .select_from(Order)
        .join(last_delivery, last_delivery.c.order_id == Order.id)
        .where(Order.state.in_(states), Order.promised_date.is_not(None))
    ).one()
    return int(delivered or 0), int(in_time or 0)


def figures(today: date | None = None) -> Figures:
    today = today or local_today()
    owed = next(iter(db.session.execute(receivables_query(today))), None)
    owed = receivables(*owed) if owed else Receivables(ZERO, 0, ZERO, 0)

    months_shown = [first_of_month(today, back) for back in range(11, -1, -1)]
    year, month = sa.extract("year", Invoice.issue_date), sa.extract("month", Invoice.issue_date)
    per_month = {
        date(int(y), int(m), 1): euros(cents)
        for y, m, cents in db.session.execute(invoiced_query(months_shown[0], year, month))
    }
    names = dict(db.session.execute(sa.select(Workshop.id, Workshop.name)).all())
    workshops = sorted(
        (
            (names.get(wid) or _("Not tied to a workshop"), amount)
            for wid, amount in per_workshop(months_shown[0]).items()
            if amount
        ),
        key=lambda item: -item[1],
    )

    delivered, in_time = on_time()
    states = db.session.execute(sa.select(Order.state, sa.func.count()).group_by(Order.state)).all()
    order = list(OrderState)
    return Figures(
        receivables=owed.amount,
        receivables_count=owed.count,
        overdue=owed.overdue,
        overdue_count=owed.overdue_count,
        months=[(month, per_month.get(month, ZERO)) for month in months_shown],
        workshops=workshops,
        on_time=round(100 * in_time / delivered) if delivered else None,
        delivered_count=delivered,
        states=sorted(
            ((s, n) for s, n in states if s is not OrderState.DRAFT), key=lambda item: order.index(item[0])
        ),
    )
