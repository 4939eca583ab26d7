"""Who sees and does what with an invoice: administrators all of the school's, a customer's
company its own issued ones (never a draft); 404 for anything else."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import aliased

from ecoprod.accounts.models import User
from ecoprod.extensions import db
from ecoprod.invoicing.models import Invoice


def visible_invoices(user: User) -> sa.Select[tuple[Invoice]]:
    stmt = sa.select(Invoice)
    if user.is_customer:
        cancelled = aliased(Invoice)
        internal = sa.exists().where(  # an internal credit note: the school's books only
            cancelled.id == Invoice.credited_invoice_id, cancelled.cancelled_by_id == Invoice.id
        )
        return stmt.where(Invoice.customer_id == user.customer_id, Invoice.number.is_not(None), ~internal)
    if user.is_admin:
        return stmt
    return stmt.where(sa.false())


def load_invoice_or_404(invoice_id: int, user: User) -> Invoice:
    invoice = db.session.scalars(visible_invoices(user).where(Invoice.id == invoice_id)).one_or_none()
    if invoice is None:
        abort(404)
    return invoice


def can_record_payment(user: User, invoice: Invoice) -> bool:
    return (
        user.is_admin and not invoice.is_draft and not invoice.is_credit_note and not invoice.cancelled_by_id
    )


def can_credit(user: User, invoice: Invoice) -> bool:
    """Not a cancelled invoice: its internal credit note took all of it."""
    return (
        user.is_admin and not invoice.is_draft and not invoice.is_credit_note and not invoice.cancelled_by_id
    )


def can_remind(user: User, invoice: Invoice, days_late: int) -> bool:
    """By hand, an overdue invoice with something left to pay (at most once a day: services)."""
    return user.is_admin and invoice.balance > 0 and days_late > 0
