"""Payments, and the states an invoice moves through: issued, partially paid, paid."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from ecoprod import audit, signals
from ecoprod.accounts.models import User
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.i18n import local_today
from ecoprod.invoicing.errors import InvoicingError
from ecoprod.invoicing.models import (
    Invoice,
    InvoiceState,
    Payment,
    PaymentMethod,
)
from ecoprod.money import ZERO


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
    audit.record("payment.recorded", payment, reference=invoice.number, actor_id=by.id)
    signals.payment_recorded.send(payment)
    return payment
