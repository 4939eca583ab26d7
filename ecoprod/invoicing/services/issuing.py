"""Issuing an invoice or a credit note: one transaction.

The number from the school's gap-free sequence, the frozen amounts, the Factur-X PDF written
with the transaction and its SHA-256, the customer's e-mail in the outbox, the orders'
states. Killed half-way, it leaves all or nothing."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from ecoprod import audit, documents, signals
from ecoprod.accounts.models import User
from ecoprod.customers.models import PaymentTerms
from ecoprod.database import utcnow
from ecoprod.delivery.services import delivery_dates
from ecoprod.extensions import db
from ecoprod.i18n import SCHOOL_TIMEZONE
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.invoicing import billable
from ecoprod.invoicing.billable import to_invoice
from ecoprod.invoicing.errors import InvoicingError
from ecoprod.invoicing.models import (
    Category,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceState,
)
from ecoprod.invoicing.services.settlement import refresh_settlement
from ecoprod.money import ZERO
from ecoprod.notifications.outbox import external_url, queue_email
from ecoprod.numbering import next_number, numbered_issue
from ecoprod.orders import lifecycle
from ecoprod.orders.models import Order, OrderState
from ecoprod.pricing.models import LineKind
from ecoprod.schools.models import VatRegime
from ecoprod.schools.services import school_of


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
    answers = signals.invoice_issuing.send(invoice) if invoice.is_draft else []
    address = next((str(found) for _, found in answers if found), None)
    with numbered_issue(db.session):
        issued = _issue(invoice, by, at or utcnow(), address)
        action = "credit_note.issued" if issued.is_credit_note else "invoice.issued"
        audit.record(action, issued, reference=issued.number, actor_id=by.id)
        signals.invoice_issued.send(issued)
        return issued


def _issue(invoice: Invoice, by: User, at: datetime, address: str | None = None) -> Invoice:
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
        dates = delivery_dates(invoice.orders)
        invoice.delivery_date = max(dates) if dates else today
        invoice.category = category_of(invoice.lines)
        invoice.buyer_name = customer.name
        invoice.buyer_siren = customer.siren
        invoice.buyer_address = address or customer.siren
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
        invoice.pdf_sha256 = documents.keep(db.session, invoice.school_id, data)
        invoice.pdf_size = len(data)
        db.session.flush()
    for deposit in deposits:
        deposit.deducted_in_id = invoice.id
    if invoice.is_credit_note:
        refresh_settlement(credited)
    else:
        refresh_settlement(invoice)
    _advance_orders(invoice, by)
    if customer.email and not invoice.is_internal:  # an internal credit note is not sent
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
