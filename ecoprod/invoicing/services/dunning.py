"""Overdue invoices: days late, the late-payment penalty to date, reminders by hand and by
the daily command."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

import sqlalchemy as sa

from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing.models import (
    Invoice,
    InvoiceKind,
    InvoiceState,
)
from ecoprod.money import HUNDRED, ZERO, to_cents
from ecoprod.notifications.outbox import external_url, queue_email
from ecoprod.schools.services import school_of


def days_late(invoice: Invoice, today: date | None = None) -> int:
    """Days since an invoice fell due while something is left to pay (0 otherwise)."""
    if invoice.due_date is None or invoice.balance <= 0:
        return 0
    return max(((today or local_today()) - invoice.due_date).days, 0)


def overdue(today: date | None = None) -> list[tuple[Invoice, int]]:
    """Issued invoices past their due date with something left to pay, and how many days late."""
    today = today or local_today()
    invoices = db.session.scalars(overdue_invoices(today).order_by(Invoice.due_date, Invoice.id))
    return [(i, days_late(i, today)) for i in invoices]


def overdue_invoices(today: date) -> sa.Select[tuple[Invoice]]:
    """Past due with something left to pay, in SQL (the list pages through it)."""
    return _past_due(today).where(Invoice.amount_due > Invoice.settled)


class Overdue(NamedTuple):
    count: int
    owed: Decimal


def overdue_summary(today: date) -> Overdue:
    """How many invoices are overdue and what they still owe, both from one SQL query."""
    stmt = sa.select(
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(Invoice.amount_due), 0),
        sa.func.coalesce(sa.func.sum(Invoice.settled), 0),
    ).where(*_past_due_criteria(today), Invoice.amount_due > Invoice.settled)
    count, due, settled = db.session.execute(stmt).one()
    return Overdue(int(count), Decimal(due) - Decimal(settled))


def _past_due_criteria(today: date) -> tuple[sa.ColumnElement[bool], ...]:
    return (
        Invoice.kind != InvoiceKind.CREDIT_NOTE,
        Invoice.state.in_([InvoiceState.ISSUED, InvoiceState.PARTIALLY_PAID]),
        Invoice.due_date < today,
    )


def _past_due(today: date) -> sa.Select[tuple[Invoice]]:
    """Invoices not settled whose due date has passed, with their customer."""
    return sa.select(Invoice).options(sa.orm.joinedload(Invoice.customer)).where(*_past_due_criteria(today))


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
