"""What a school's data must satisfy however it was made (``flask seed network --check``, and
the seed's tests): numbers without gaps, totals as ``ecoprod.money`` computes them, invoice
states as the settlement rule gives them, order histories the lifecycle allows."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ecoprod.delivery.models import DeliveryLine, DeliveryNote
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing.models import Invoice, InvoiceKind, InvoiceState, Payment
from ecoprod.numbering import SequenceCounter, format_number
from ecoprod.orders import lifecycle
from ecoprod.orders.models import Order, OrderEvent, OrderLine, OrderState
from ecoprod.planning.models import TimeLog
from ecoprod.quotes.models import Quote, QuoteState
from ecoprod.schools.models import School
from ecoprod.tenancy import scoped_to

DELIVERED = {OrderState.DELIVERED, OrderState.INVOICED, OrderState.CLOSED}


def check_school(school_id: int) -> list[str]:
    """Every broken rule in one school's data, in words (empty when all hold)."""
    with scoped_to(db.session, school_id):
        school = db.session.get(School, school_id)
        return (
            _numbers(school)
            + _quotes(school_id)
            + _invoices(school_id)
            + _orders(school_id)
            + _deliveries(school_id)
            + _dates(school_id)
        )


def _numbers(school: School) -> list[str]:
    sources = {
        school.request_prefix: sa.select(Order.number),
        school.quote_prefix: sa.select(Quote.base_number).where(Quote.version == 1),
        school.delivery_prefix: sa.select(DeliveryNote.number),
        school.invoice_prefix: sa.select(Invoice.number).where(Invoice.kind != InvoiceKind.CREDIT_NOTE),
        school.credit_note_prefix: sa.select(Invoice.number).where(Invoice.kind == InvoiceKind.CREDIT_NOTE),
    }
    drawn: dict[str, set[str]] = {
        prefix: {n for n in db.session.scalars(stmt) if n} for prefix, stmt in sources.items()
    }
    expected: dict[str, set[str]] = defaultdict(set)
    for counter in db.session.scalars(
        sa.select(SequenceCounter).where(SequenceCounter.school_id == school.id)
    ):
        expected[counter.series] |= {
            format_number(counter.series, counter.year, k) for k in range(1, counter.last_value + 1)
        }
    problems = []
    for prefix, numbers in drawn.items():
        if numbers != expected[prefix]:
            missing, extra = sorted(expected[prefix] - numbers), sorted(numbers - expected[prefix])
            problems.append(f"{school.slug}: series {prefix} missing {missing[:3]}, not counted {extra[:3]}")
    return problems


def _quotes(school_id: int) -> list[str]:
    problems = []
    quotes = db.session.scalars(
        sa.select(Quote).where(Quote.state != QuoteState.DRAFT).options(selectinload(Quote.lines))
    )
    for quote in quotes:
        totals = quote.totals()
        if (quote.total_net, quote.total_vat, quote.total_gross) != (totals.net, totals.vat, totals.gross):
            problems.append(f"quote {quote.number}: stored totals differ from its lines")
    return problems


def _invoices(school_id: int) -> list[str]:
    problems = []
    invoices = list(
        db.session.scalars(
            sa.select(Invoice)
            .where(Invoice.number.is_not(None))
            .options(selectinload(Invoice.lines), selectinload(Invoice.payments))
        )
    )
    credits: dict[int, Decimal] = defaultdict(Decimal)
    for invoice in invoices:
        if invoice.credited_invoice_id:
            credits[invoice.credited_invoice_id] += invoice.total_gross or 0
    for invoice in invoices:
        totals = invoice.totals()
        if (invoice.total_net, invoice.total_vat, invoice.total_gross) != (
            totals.net,
            totals.vat,
            totals.gross,
        ):
            problems.append(f"invoice {invoice.number}: stored totals differ from its lines")
        if invoice.is_credit_note:
            continue
        if invoice.amount_due != (invoice.total_gross or 0) - invoice.prepaid:
            problems.append(f"invoice {invoice.number}: amount due is not the total less the deposits")
        paid = sum((p.amount for p in invoice.payments), Decimal(0))
        if invoice.settled != paid + credits[invoice.id]:
            problems.append(f"invoice {invoice.number}: settled is not its payments and credit notes")
        state = (
            InvoiceState.PAID
            if invoice.settled >= (invoice.amount_due or 0)
            else InvoiceState.PARTIALLY_PAID
            if paid > 0
            else InvoiceState.ISSUED
        )
        if invoice.state is not state:
            problems.append(f"invoice {invoice.number}: {invoice.state} but the settlement rule says {state}")
    return problems


def _orders(school_id: int) -> list[str]:
    problems = []
    states = {row[0]: row[1] for row in db.session.execute(sa.select(Order.id, Order.state))}
    previous: dict[int, OrderState | None] = {}
    for event in db.session.execute(
        sa.select(OrderEvent.order_id, OrderEvent.from_state, OrderEvent.to_state).order_by(
            OrderEvent.order_id, OrderEvent.at, OrderEvent.id
        )
    ):
        before = previous.get(event.order_id)
        if event.from_state != before or (
            before is not None and not lifecycle.can_move(before, event.to_state)
        ):
            problems.append(
                f"order {event.order_id}: {before} → {event.to_state} is not a move the lifecycle allows"
            )
        previous[event.order_id] = event.to_state
    for order_id, state in states.items():
        if previous.get(order_id) != state:
            problems.append(f"order {order_id}: history ends in {previous.get(order_id)}, order is {state}")
    invoiced = set(
        db.session.scalars(
            sa.select(Invoice.id).where(Invoice.kind == InvoiceKind.INVOICE, Invoice.number.is_not(None))
        )
    )
    if len(invoiced) < sum(1 for s in states.values() if s is OrderState.INVOICED):
        problems.append("fewer final invoices than invoiced orders")
    return problems


def _deliveries(school_id: int) -> list[str]:
    delivered = {
        row[0]: row[1]
        for row in db.session.execute(
            sa.select(DeliveryLine.order_line_id, sa.func.sum(DeliveryLine.quantity)).group_by(
                DeliveryLine.order_line_id
            )
        )
    }
    problems = []
    for line_id, quantity, state in db.session.execute(
        sa.select(OrderLine.id, OrderLine.quantity, Order.state).join(Order, OrderLine.order_id == Order.id)
    ):
        done = delivered.get(line_id) or Decimal(0)
        if state in DELIVERED and done != quantity:
            problems.append(f"order line {line_id}: {state} but {done} of {quantity} delivered")
        if done > quantity:
            problems.append(f"order line {line_id}: more delivered than ordered")
    return problems


def _dates(school_id: int) -> list[str]:
    today = local_today()
    late = db.session.scalar(sa.select(sa.func.count()).select_from(TimeLog).where(TimeLog.day > today))
    paid = db.session.scalar(sa.select(sa.func.count()).select_from(Payment).where(Payment.paid_on > today))
    return [f"{n} {what} dated after today" for n, what in ((late, "time logs"), (paid, "payments")) if n]
