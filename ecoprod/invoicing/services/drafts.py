"""Draft invoices, deposit invoices and credit notes: prepared from what was delivered, edited
by an administrator, deleted while they are drafts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from ecoprod.accounts.models import User
from ecoprod.customers.models import Customer
from ecoprod.delivery.models import DeliveryNote
from ecoprod.delivery.services import delivery_dates
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.invoicing import billable
from ecoprod.invoicing.billable import DEPOSIT_STATES, INVOICEABLE_STATES, accepted_quote, to_invoice
from ecoprod.invoicing.errors import InvoicingError
from ecoprod.invoicing.models import (
    Invoice,
    InvoiceKind,
    InvoiceLine,
)
from ecoprod.money import HUNDRED, ZERO, Totals, compute_totals, line_amounts, to_cents
from ecoprod.orders.models import Order, Unit
from ecoprod.pricing.models import LineKind, PricedLineInput, priced_fields


def _new(customer: Customer, kind: InvoiceKind, by: User, orders: Sequence[Order]) -> Invoice:
    invoice = Invoice(
        school_id=customer.school_id,
        kind=kind,
        customer_id=customer.id,
        customer=customer,
        language=customer.language or "fr",
        payment_terms=customer.payment_terms,
        created_by_id=by.id,
        buyer_reference=next((o.customer_reference for o in orders if o.customer_reference), None),
        service_code=customer.service_code,
    )
    invoice.orders = list(orders)
    return invoice


def _combined_discount(line_percent: Decimal, document_percent: Decimal) -> Decimal:
    """One percentage for two successive discounts (line, then document)."""
    kept = (HUNDRED - line_percent) * (HUNDRED - document_percent) / HUNDRED
    return (HUNDRED - kept).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def draft_invoice(orders: Sequence[Order], by: User) -> Invoice:
    """A draft invoice of what these orders (of one customer) delivered and did not invoice yet."""
    pending = [p for p in (to_invoice(order) for order in orders) if p is not None]
    if not pending:
        raise InvoicingError(str(_l("Nothing delivered is left to invoice.")))
    customers = {p.order.customer_id for p in pending}
    if len(customers) > 1:
        raise InvoicingError(str(_l("One invoice is for one customer.")))
    invoice = _new(pending[0].order.customer, InvoiceKind.INVOICE, by, [p.order for p in pending])
    discounts = {p.quote.discount_percent for p in pending}
    same_discount = len(discounts) == 1
    invoice.discount_percent = discounts.pop() if same_discount else ZERO
    position = 0
    for p in pending:
        for quote_line, quantity in p.lines:
            position += 1
            prefix = f"{p.order.reference} — " if len(pending) > 1 else ""
            invoice.lines.append(
                InvoiceLine(
                    school_id=invoice.school_id,
                    position=position,
                    order_id=p.order.id,
                    quote_line_id=quote_line.id,
                    **priced_fields(
                        quote_line,
                        description=f"{prefix}{quote_line.description}"[:500],
                        quantity=quantity,
                        discount_percent=quote_line.discount_percent
                        if same_discount
                        else _combined_discount(quote_line.discount_percent, p.quote.discount_percent),
                    ),
                )
            )
    dates = delivery_dates(invoice.orders)
    invoice.period_start, invoice.period_end = (min(dates), max(dates)) if dates else (None, None)
    db.session.add(invoice)
    db.session.flush()
    return invoice


def customers_to_invoice(start: date, end: date) -> list[tuple[Customer, list[Order]]]:
    """Per customer, the orders delivered between two days with something left to invoice."""
    orders = db.session.scalars(
        sa.select(Order)
        .where(
            Order.state.in_(list(INVOICEABLE_STATES)),
            Order.id.in_(
                sa.select(DeliveryNote.order_id).where(
                    DeliveryNote.issue_date >= start, DeliveryNote.issue_date <= end
                )
            ),
        )
        .options(sa.orm.joinedload(Order.customer))
        .order_by(Order.customer_id, Order.id)
    ).all()
    grouped: dict[int, list[Order]] = defaultdict(list)
    for order in billable.with_something_to_invoice(orders):
        grouped[order.customer_id].append(order)
    return [(found[0].customer, found) for found in grouped.values()]


def draft_deposit(order: Order, percent: Decimal, by: User) -> Invoice:
    """A deposit invoice (acompte) of ``percent`` of the accepted quote, one line per VAT rate."""
    if order.state not in DEPOSIT_STATES:
        raise InvoicingError(str(_l("A deposit is invoiced between the acceptance and the delivery.")))
    if not ZERO < percent <= HUNDRED:
        raise InvoicingError(str(_l("A deposit is between 0 and 100 percent of the quote.")))
    left = billable.deposit_percent_left(order)
    if percent > left:
        raise InvoicingError(
            str(
                _l(
                    "The deposits of this order would exceed its quote: at most %(left)s %% more.",
                    left=f"{left.normalize():f}".replace(".", ","),
                )
            )
        )
    quote = accepted_quote(order)
    if quote is None:
        raise InvoicingError(str(_l("This order has no accepted quote.")))
    invoice = _new(order.customer, InvoiceKind.DEPOSIT, by, [order])
    invoice.deposit_percent = percent
    for position, b in enumerate(quote.totals().breakdown, start=1):
        invoice.lines.append(
            InvoiceLine(
                school_id=order.school_id,
                position=position,
                kind=LineKind.OTHER,
                description=str(
                    _l(
                        "Deposit of %(percent)s %% on quote %(quote)s (%(order)s)",
                        percent=f"{percent.normalize():f}".replace(".", ","),
                        quote=quote.number,
                        order=order.reference,
                    )
                ),
                unit=Unit.FLAT,
                quantity=Decimal(1),
                unit_price=to_cents(b.taxable * percent / HUNDRED),
                vat_rate=b.rate,
                order_id=order.id,
            )
        )
    db.session.add(invoice)
    db.session.flush()
    return invoice


def draft_credit_note(
    invoice: Invoice, by: User, lines: Iterable[tuple[InvoiceLine, Decimal]] | None = None
) -> Invoice:
    """A credit note of the whole invoice, or of these quantities of its lines."""
    if invoice.is_draft or invoice.is_credit_note:
        raise InvoicingError(str(_l("A credit note corrects an issued invoice.")))
    note = _new(invoice.customer, InvoiceKind.CREDIT_NOTE, by, invoice.orders)
    note.credited_invoice_id = invoice.id
    note.credited_invoice = invoice
    note.discount_percent = invoice.discount_percent
    note.buyer_reference = invoice.buyer_reference
    note.service_code = invoice.service_code
    left = billable.left_to_credit([line.id for line in invoice.lines])
    chosen = [(line, left[line.id]) for line in invoice.lines] if lines is None else list(lines)
    for position, (line, quantity) in enumerate(((ln, q) for ln, q in chosen if q > 0), start=1):
        if quantity > left[line.id]:
            raise InvoicingError(
                str(
                    _l(
                        "Line %(n)s: at most %(left)s can still be credited.",
                        n=line.position,
                        left=f"{left[line.id].normalize():f}".replace(".", ","),
                    )
                )
            )
        note.lines.append(
            InvoiceLine(
                school_id=invoice.school_id,
                position=position,
                order_id=line.order_id,
                credited_line_id=line.id,
                **priced_fields(line, quantity=quantity),
            )
        )
    if not note.lines:
        raise InvoicingError(str(_l("Choose what the credit note credits.")))
    db.session.add(note)
    db.session.flush()
    return note


def save_draft(
    invoice: Invoice, lines: Sequence[tuple[int | None, PricedLineInput]], notes: str | None
) -> None:
    """Replace a draft's lines; each kept line keeps its link to the order and quote line (or
    to the credited line); the workshop is the one chosen in the editor."""
    if not invoice.is_draft:
        raise InvoicingError(str(_l("An issued invoice cannot be changed: issue a credit note.")))
    if not lines:
        raise InvoicingError(str(_l("An invoice needs at least one line.")))
    old = {line.id: line for line in invoice.lines}
    invoice.lines = []
    db.session.flush()
    for position, (line_id, data) in enumerate(lines, start=1):
        kept = old.get(line_id) if line_id else None
        invoice.lines.append(
            InvoiceLine(
                school_id=invoice.school_id,
                position=position,
                order_id=kept.order_id if kept else None,
                quote_line_id=kept.quote_line_id if kept else None,
                credited_line_id=kept.credited_line_id if kept else None,
                **priced_fields(data),
            )
        )
    invoice.notes = notes
    db.session.flush()
    billable.check(invoice)


def delete_draft(invoice: Invoice) -> None:
    if not invoice.is_draft:
        raise InvoicingError(str(_l("An issued invoice is never deleted: issue a credit note.")))
    db.session.delete(invoice)
    db.session.flush()


def draft_totals(invoices: Iterable[Invoice]) -> dict[int, Totals]:
    """The totals of the drafts among ``invoices`` (an issued document keeps its own), from
    their lines' plain columns: one query when a list shows drafts, none otherwise."""
    drafts = {invoice.id: invoice for invoice in invoices if invoice.is_draft}
    if not drafts:
        return {}
    lines: dict[int, list[tuple[Decimal, Decimal]]] = {invoice_id: [] for invoice_id in drafts}
    stmt = sa.select(
        InvoiceLine.invoice_id,
        InvoiceLine.quantity,
        InvoiceLine.unit_price,
        InvoiceLine.discount_percent,
        InvoiceLine.vat_rate,
    ).where(InvoiceLine.invoice_id.in_(drafts))
    for invoice_id, quantity, price, discount, rate in db.session.execute(stmt):
        lines[invoice_id].append((line_amounts(quantity, price, discount).net, rate))
    return {
        invoice_id: compute_totals(lines[invoice_id], invoice.discount_percent)
        for invoice_id, invoice in drafts.items()
    }
