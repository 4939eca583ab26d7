"""The administrator's figures: receivables, overdue, revenue per month and per workshop,
on-time deliveries, orders by state. Each is a plain query the dashboard links to a list."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from ecoprod.delivery.models import DeliveryNote
from ecoprod.extensions import db
from ecoprod.i18n import gettext as _
from ecoprod.i18n import local_today
from ecoprod.invoicing.models import Invoice, InvoiceKind, InvoiceLine, InvoiceState
from ecoprod.money import ZERO, line_amounts
from ecoprod.orders.models import Order, OrderState
from ecoprod.workshops.models import Workshop


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


def _first_of_month(day: date, back: int) -> date:
    month = day.month - 1 - back
    return date(day.year + month // 12, month % 12 + 1, 1)


def figures(today: date | None = None) -> Figures:
    today = today or local_today()
    unpaid = db.session.execute(
        sa.select(Invoice.amount_due, Invoice.settled, Invoice.due_date).where(
            Invoice.kind != InvoiceKind.CREDIT_NOTE,
            Invoice.state.in_([InvoiceState.ISSUED, InvoiceState.PARTIALLY_PAID]),
        )
    ).all()
    balances = [(due - settled, due_date) for due, settled, due_date in unpaid if due - settled > 0]
    late = [b for b, due_date in balances if due_date and due_date < today]

    start = _first_of_month(today, 11)
    revenue: dict[date, Decimal] = defaultdict(Decimal)
    per_workshop: dict[int | None, Decimal] = defaultdict(Decimal)
    rows = db.session.execute(
        sa.select(
            Invoice.issue_date,
            Invoice.kind,
            Invoice.discount_percent,
            InvoiceLine.quantity,
            InvoiceLine.unit_price,
            InvoiceLine.discount_percent,
            InvoiceLine.workshop_id,
        )
        .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
        .where(Invoice.number.is_not(None), Invoice.issue_date >= start, Invoice.kind != InvoiceKind.DEPOSIT)
    )
    for issued, kind, doc_discount, quantity, price, discount, workshop_id in rows:
        net = line_amounts(quantity, price, discount).net * (1 - doc_discount / 100)
        if kind is InvoiceKind.CREDIT_NOTE:
            net = -net
        revenue[issued.replace(day=1)] += net
        per_workshop[workshop_id] += net
    months = [
        (_first_of_month(today, back), revenue[_first_of_month(today, back)].quantize(Decimal("0.01")))
        for back in range(11, -1, -1)
    ]
    names = dict(db.session.execute(sa.select(Workshop.id, Workshop.name)).all())
    workshops = sorted(
        (
            (names.get(wid) or _("Not tied to a workshop"), amount.quantize(Decimal("0.01")))
            for wid, amount in per_workshop.items()
            if amount
        ),
        key=lambda item: -item[1],
    )

    delivered_states = [OrderState.DELIVERED, OrderState.INVOICED, OrderState.CLOSED]
    last_delivery = (
        sa.select(DeliveryNote.order_id, sa.func.max(DeliveryNote.issue_date).label("last"))
        .group_by(DeliveryNote.order_id)
        .subquery()
    )
    delivered = db.session.execute(
        sa.select(Order.promised_date, last_delivery.c.last)
        .join(last_delivery, last_delivery.c.order_id == Order.id)
        .where(Order.state.in_(delivered_states), Order.promised_date.is_not(None))
    ).all()
    on_time = (
        round(100 * sum(1 for promised, last in delivered if last <= promised) / len(delivered))
        if delivered
        else None
    )
    states = db.session.execute(sa.select(Order.state, sa.func.count()).group_by(Order.state)).all()
    order = list(OrderState)
    return Figures(
        receivables=sum((b for b, _ in balances), ZERO),
        receivables_count=len(balances),
        overdue=sum(late, ZERO),
        overdue_count=len(late),
        months=months,
        workshops=workshops,
        on_time=on_time,
        delivered_count=len(delivered),
        states=sorted(
            ((s, n) for s, n in states if s is not OrderState.DRAFT), key=lambda item: order.index(item[0])
        ),
    )
