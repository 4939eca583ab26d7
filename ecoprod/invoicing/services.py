"""Invoicing: drafts from what was delivered, deposits, issuance, credit notes, payments.

What there is to invoice, and how much each line may take, is ``invoicing.billable``.

``issue`` is one transaction: the number from the school's gap-free sequence, the frozen
amounts, the Factur-X PDF written with the transaction and its SHA-256, the customer's
e-mail in the outbox, the orders' states. Killed half-way, it leaves all or nothing.
"""

from __future__ import annotations

import hashlib
from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from ecoprod.accounts.models import User
from ecoprod.customers.models import Customer, PaymentTerms
from ecoprod.database import utcnow
from ecoprod.delivery.models import DeliveryNote
from ecoprod.extensions import db
from ecoprod.i18n import SCHOOL_TIMEZONE, local_today
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.invoicing import billable
from ecoprod.invoicing.billable import (
    DEPOSIT_STATES,
    INVOICEABLE_STATES,
    accepted_quote,
    to_invoice,
)
from ecoprod.invoicing.errors import InvoicingError
from ecoprod.invoicing.models import (
    Category,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceState,
    Payment,
    PaymentMethod,
)
from ecoprod.money import HUNDRED, ZERO, to_cents
from ecoprod.notifications.outbox import external_url, queue_email
from ecoprod.numbering import next_number, numbered_issue
from ecoprod.orders import lifecycle
from ecoprod.orders.models import Order, OrderState, Unit
from ecoprod.quotes.models import LineKind
from ecoprod.schools.models import School, VatRegime
from ecoprod.storage import file_store


def school_of(invoice: Invoice) -> School:
    return db.session.get(School, invoice.school_id)


# --- Drafts ------------------------------------------------------------------------------------


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
                    kind=quote_line.kind,
                    description=f"{prefix}{quote_line.description}"[:500],
                    unit=quote_line.unit,
                    quantity=quantity,
                    unit_price=quote_line.unit_price,
                    discount_percent=quote_line.discount_percent
                    if same_discount
                    else _combined_discount(quote_line.discount_percent, p.quote.discount_percent),
                    vat_rate=quote_line.vat_rate,
                    order_id=p.order.id,
                    quote_line_id=quote_line.id,
                    workshop_id=quote_line.workshop_id,
                )
            )
    dates = _delivery_dates(invoice.orders)
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
        .order_by(Order.customer_id, Order.id)
    ).all()
    grouped: dict[int, list[Order]] = defaultdict(list)
    for order in orders:
        if to_invoice(order) is not None:
            grouped[order.customer_id].append(order)
    return [(db.session.get(Customer, customer_id), found) for customer_id, found in grouped.items()]


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
                kind=line.kind,
                description=line.description,
                unit=line.unit,
                quantity=quantity,
                unit_price=line.unit_price,
                discount_percent=line.discount_percent,
                vat_rate=line.vat_rate,
                order_id=line.order_id,
                workshop_id=line.workshop_id,
                credited_line_id=line.id,
            )
        )
    if not note.lines:
        raise InvoicingError(str(_l("Choose what the credit note credits.")))
    db.session.add(note)
    db.session.flush()
    return note


@dataclass
class LineInput:
    kind: LineKind
    description: str
    unit: Unit
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    vat_rate: Decimal


def save_draft(invoice: Invoice, lines: Sequence[tuple[int | None, LineInput]], notes: str | None) -> None:
    """Replace a draft's lines; each kept line keeps its link to the order and quote line."""
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
                kind=data.kind,
                description=data.description,
                unit=data.unit,
                quantity=data.quantity,
                unit_price=data.unit_price,
                discount_percent=data.discount_percent,
                vat_rate=data.vat_rate,
                order_id=kept.order_id if kept else None,
                quote_line_id=kept.quote_line_id if kept else None,
                workshop_id=kept.workshop_id if kept else None,
                credited_line_id=kept.credited_line_id if kept else None,
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


# --- Issuing -----------------------------------------------------------------------------------


def due_date(issued: date, terms: PaymentTerms | None) -> date:
    """The legal ceilings: 60 days, or 45 days end of month (counted as 45 days, then month end)."""
    if terms is PaymentTerms.NET_30:
        return issued + timedelta(days=30)
    if terms is PaymentTerms.NET_60:
        return issued + timedelta(days=60)
    if terms is PaymentTerms.NET_45_EOM:
        later = issued + timedelta(days=45)
        return later.replace(day=monthrange(later.year, later.month)[1])
    return issued


def category_of(lines: Iterable[InvoiceLine]) -> Category:
    kinds = {line.kind for line in lines}
    goods = LineKind.MATERIAL in kinds
    services = bool(kinds & {LineKind.LABOUR, LineKind.LABOUR_ONLY, LineKind.OTHER})
    if goods and services:
        return Category.MIXED
    return Category.GOODS if goods else Category.SERVICES


def _delivery_dates(orders: Iterable[Order]) -> list[date]:
    ids = [o.id for o in orders]
    if not ids:
        return []
    return list(db.session.scalars(sa.select(DeliveryNote.issue_date).where(DeliveryNote.order_id.in_(ids))))


def creditable(invoice: Invoice) -> Decimal:
    """What credit notes may still take from an invoice."""
    credited = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Invoice.total_gross), 0)).where(
            Invoice.credited_invoice_id == invoice.id, Invoice.number.is_not(None)
        )
    )
    return (invoice.total_gross or ZERO) - Decimal(credited or 0)


def issue(invoice: Invoice, by: User, *, at: datetime | None = None) -> Invoice:
    """Number, freeze, render and send: all in the caller's transaction.

    ``at`` is the moment of issue, now unless given: only the demo data, which tells the
    story of past weeks, gives one (never a page: an invoice is dated the day it is issued).
    """
    with numbered_issue(db.session):
        return _issue(invoice, by, at or utcnow())


def _issue(invoice: Invoice, by: User, at: datetime) -> Invoice:
    from ecoprod.invoicing.documents import render_invoice  # the PDF needs the whole domain

    if not invoice.is_draft:
        raise InvoicingError(str(_l("This invoice has already been issued.")))
    if not invoice.lines:
        raise InvoicingError(str(_l("An invoice needs at least one line.")))
    db.session.flush()
    billable.check(invoice)  # again, under the numbering lock: deliveries and drafts may have changed
    totals = invoice.totals()
    if totals.gross <= 0:
        raise InvoicingError(str(_l("The total of an invoice must be positive.")))
    credited = invoice.credited_invoice
    if invoice.is_credit_note:
        if credited is None or credited.is_draft:
            raise InvoicingError(str(_l("A credit note corrects an issued invoice.")))
        if totals.gross > creditable(credited):
            raise InvoicingError(str(_l("The credit notes would exceed the invoice.")))
    school = school_of(invoice)
    if not school.siren:
        raise InvoicingError(str(_l("Enter the school's SIRET in the school settings before invoicing.")))
    if (
        school.vat_regime is VatRegime.SUBJECT
        and not school.vat_number
        and any(ln.vat_rate for ln in invoice.lines)
    ):
        raise InvoicingError(
            str(_l("Enter the school's VAT number in the school settings before invoicing."))
        )
    customer = invoice.customer
    today = at.astimezone(SCHOOL_TIMEZONE).date()
    deposits: list[Invoice] = []
    if invoice.kind is InvoiceKind.INVOICE and invoice.orders:
        deposits = list(
            db.session.scalars(
                sa.select(Invoice)
                .join(Invoice.orders)
                .where(
                    Invoice.kind == InvoiceKind.DEPOSIT,
                    Invoice.number.is_not(None),
                    Invoice.deducted_in_id.is_(None),
                    Order.id.in_([o.id for o in invoice.orders]),
                )
                .distinct()
            )
        )
    prepaid = sum((d.total_gross or ZERO for d in deposits), ZERO)
    if prepaid > totals.gross:
        raise InvoicingError(str(_l("The deposits exceed this invoice: invoice more, or credit a deposit.")))
    db.session.flush()  # the draft's last edits (its lines) go in before it is frozen
    with db.session.no_autoflush:  # one UPDATE issues it: the triggers refuse a second
        prefix = school.credit_note_prefix if invoice.is_credit_note else school.invoice_prefix
        # Everything the frozen row holds is set before the one flush that issues it: once a
        # number is in the database, the triggers refuse any change to these columns.
        invoice.number = next_number(db.session, invoice.school_id, prefix, today.year)
        invoice.issue_date = today
        invoice.due_date = today if invoice.is_credit_note else due_date(today, invoice.payment_terms)
        dates = _delivery_dates(invoice.orders)
        invoice.delivery_date = max(dates) if dates else today
        invoice.category = category_of(invoice.lines)
        invoice.buyer_name = customer.name
        invoice.buyer_siren = customer.siren
        invoice.buyer_vat_number = customer.vat_number
        invoice.billing_address = customer.billing_address
        first_order = invoice.orders[0] if invoice.orders else None
        invoice.delivery_address = (
            first_order.delivery_address
            if first_order is not None
            and first_order.delivery_address
            and not first_order.delivery_address.is_empty()
            else customer.effective_delivery_address
        )
        invoice.total_net, invoice.total_vat, invoice.total_gross = totals.net, totals.vat, totals.gross
        invoice.prepaid = prepaid
        invoice.amount_due = ZERO if invoice.is_credit_note else totals.gross - prepaid
        invoice.state = InvoiceState.ISSUED
        invoice.issued_at = at
        invoice.issued_by_id = by.id
        data = render_invoice(invoice, school, deposits)
        invoice.pdf_file = file_store().save(invoice.school_id, data, db.session)
        invoice.pdf_sha256 = hashlib.sha256(data).hexdigest()
        invoice.pdf_size = len(data)
        db.session.flush()
    for deposit in deposits:
        deposit.deducted_in_id = invoice.id
    if invoice.is_credit_note:
        refresh_settlement(credited)
    else:
        refresh_settlement(invoice)
    _advance_orders(invoice, by)
    if customer.email:
        queue_email(
            customer.email,
            "invoice_issued",
            locale=invoice.language,
            school_id=invoice.school_id,
            invoice=invoice,
            school=school,
            link=external_url("invoicing.detail", invoice_id=invoice.id),
        )
    db.session.flush()
    return invoice


def _advance_orders(invoice: Invoice, by: User) -> None:
    """A delivered order whose every quote line is invoiced is now invoiced."""
    if invoice.kind is not InvoiceKind.INVOICE:
        return
    for order in invoice.orders:
        if order.state is OrderState.DELIVERED and to_invoice(order) is None:
            lifecycle.transition(order, OrderState.INVOICED, by)


# --- Payments ----------------------------------------------------------------------------------


def refresh_settlement(invoice: Invoice) -> None:
    """What was paid or credited against an invoice, and its state."""
    paid = sum((p.amount for p in invoice.payments), ZERO)
    credited = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Invoice.total_gross), 0)).where(
            Invoice.credited_invoice_id == invoice.id, Invoice.number.is_not(None)
        )
    )
    invoice.settled = paid + Decimal(credited or 0)
    if invoice.amount_due is not None and invoice.settled >= invoice.amount_due:
        invoice.state = InvoiceState.PAID
    elif paid > 0:  # a partial credit note alone lowers the balance; it is not a payment
        invoice.state = InvoiceState.PARTIALLY_PAID
    else:
        invoice.state = InvoiceState.ISSUED


def record_payment(
    invoice: Invoice, paid_on: date, amount: Decimal, method: PaymentMethod, reference: str | None, by: User
) -> Payment:
    """A payment received; more than the balance leaves a credit in the customer's favour."""
    if invoice.is_draft or invoice.is_credit_note:
        raise InvoicingError(str(_l("Payments are recorded on issued invoices.")))
    if amount <= 0:
        raise InvoicingError(str(_l("A payment is a positive amount.")))
    if paid_on > local_today() or (invoice.issue_date and paid_on < invoice.issue_date - timedelta(days=366)):
        raise InvoicingError(str(_l("Give the date the payment was received.")))
    payment = Payment(
        school_id=invoice.school_id,
        invoice=invoice,
        paid_on=paid_on,
        amount=amount,
        method=method,
        reference=reference,
        recorded_by_id=by.id,
    )
    db.session.add(payment)
    db.session.flush()
    refresh_settlement(invoice)
    return payment


# --- Overdue and reminders -----------------------------------------------------------------------


def days_late(invoice: Invoice, today: date | None = None) -> int:
    """Days since an invoice fell due while something is left to pay (0 otherwise)."""
    if invoice.due_date is None or invoice.balance <= 0:
        return 0
    return max(((today or local_today()) - invoice.due_date).days, 0)


def overdue(today: date | None = None) -> list[tuple[Invoice, int]]:
    """Issued invoices past their due date with something left to pay, and how many days late."""
    today = today or local_today()
    invoices = db.session.scalars(_past_due(today).order_by(Invoice.due_date))
    return [(i, days_late(i, today)) for i in invoices if i.balance > 0]


def _past_due(today: date) -> sa.Select[tuple[Invoice]]:
    """Invoices not settled whose due date has passed, with their customer."""
    return (
        sa.select(Invoice)
        .options(sa.orm.joinedload(Invoice.customer))
        .where(
            Invoice.kind != InvoiceKind.CREDIT_NOTE,
            Invoice.state.in_([InvoiceState.ISSUED, InvoiceState.PARTIALLY_PAID]),
            Invoice.due_date < today,
        )
    )


def late_penalty(invoice: Invoice, rate_percent: Decimal, today: date | None = None) -> Decimal:
    """Late-payment penalties to date: the balance × the yearly rate × days late / 365."""
    today = today or local_today()
    if invoice.due_date is None or today <= invoice.due_date or invoice.balance <= 0:
        return ZERO
    days = (today - invoice.due_date).days
    return to_cents(invoice.balance * rate_percent / HUNDRED * days / 365)


RECOVERY_INDEMNITY = Decimal("40.00")


def remind(invoice: Invoice, today: date | None = None) -> bool:
    """E-mail the customer about an overdue invoice (once a day at most)."""
    today = today or local_today()
    if invoice.last_reminder_on == today or invoice.balance <= 0 or not invoice.customer.email:
        return False
    school = school_of(invoice)
    queue_email(
        invoice.customer.email,
        "invoice_reminder",
        locale=invoice.language,
        school_id=invoice.school_id,
        invoice=invoice,
        school=school,
        days=(today - invoice.due_date).days,
        penalty=late_penalty(invoice, school.late_penalty_rate, today),
        indemnity=RECOVERY_INDEMNITY,
        link=external_url("invoicing.detail", invoice_id=invoice.id),
    )
    invoice.last_reminder_on = today
    return True


# The daily command reminds an overdue invoice the day after its due date, then once a week.
REMINDER_EVERY = timedelta(days=7)


def remind_all(today: date | None = None) -> int:
    """Every school's overdue invoices not reminded this past week (``flask invoices remind``)."""
    today = today or local_today()
    invoices = db.session.scalars(
        _past_due(today)
        .where(
            sa.or_(Invoice.last_reminder_on.is_(None), Invoice.last_reminder_on <= today - REMINDER_EVERY),
        )
        .execution_options(all_schools=True)
    ).all()
    return sum(1 for invoice in invoices if remind(invoice, today))
