"""Who sees and does what with an invoice: administrators all of the school's, a customer's
company its own issued ones (never a draft); 404 for anything else."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import aliased

from ecoprod.accounts.models import User
from ecoprod.extensions import db
from ecoprod.invoicing.models import Invoice

_ALL = sa.select(Invoice)
_NONE = _ALL.where(sa.false())
_CANCELLED = aliased(Invoice)
# ``Invoice.is_internal`` in SQL: the credit note that cancels the invoice it credits (the
# school's books only; never shown to the customer, never counted as revenue).
NOT_INTERNAL = ~sa.exists().where(
    _CANCELLED.id == Invoice.credited_invoice_id, _CANCELLED.cancelled_by_id == Invoice.id
)


def visible_invoices(user: User) -> sa.Select[tuple[Invoice]]:
    """Statements built once (per customer for customers): the invoice list starts from them
    and keeps what it builds on them (``invoicing.views.invoices``)."""
    if user.is_customer:
        return _customers_invoices(user.customer_id)
    if user.is_admin:
        return _ALL
    return _NONE


@functools.lru_cache(maxsize=1024)
def _customers_invoices(customer_id: int) -> sa.Select[tuple[Invoice]]:
    return _ALL.where(Invoice.customer_id == customer_id, Invoice.number.is_not(None), NOT_INTERNAL)


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
