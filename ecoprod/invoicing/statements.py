"""A customer's statement of account: every issued document and payment, with the running
balance, and its PDF in the customer's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import force_locale

from ecoprod.customers.models import Customer
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing.models import Invoice, InvoiceKind
from ecoprod.money import ZERO
from ecoprod.pdf import render_pdf
from ecoprod.schools.models import School
from ecoprod.schools.services import pdf_logo


@dataclass(frozen=True)
class StatementRow:
    day: date
    number: str
    label: str
    debit: Decimal | None
    credit: Decimal | None
    balance: Decimal


@dataclass(frozen=True)
class Statement:
    rows: list[StatementRow]
    balance: Decimal


def statement(customer: Customer) -> Statement:
    """Invoices add what is due, credit notes and payments take it off, in the order of days."""
    documents = db.session.scalars(
        sa.select(Invoice)
        .where(Invoice.customer_id == customer.id, Invoice.number.is_not(None))
        .options(sa.orm.selectinload(Invoice.payments))
        .order_by(Invoice.issue_date, Invoice.id)
    ).all()
    moves: list[tuple[date, str, str, Decimal | None, Decimal | None]] = []
    for doc in documents:
        if doc.kind is InvoiceKind.CREDIT_NOTE:
            moves.append((doc.issue_date, doc.number, doc.kind.label, None, doc.total_gross))
            continue
        moves.append((doc.issue_date, doc.number, doc.kind.label, doc.amount_due, None))
        moves += [(p.paid_on, doc.number, p.method.label, None, p.amount) for p in doc.payments]
    moves.sort(key=lambda move: move[0])  # stable: a document before its payments of the same day
    rows, balance = [], ZERO
    for day, number, label, debit, credit in moves:
        balance += (debit or ZERO) - (credit or ZERO)
        rows.append(StatementRow(day, number, label, debit, credit, balance))
    return Statement(rows, balance)


def render_statement(customer: Customer, school: School) -> bytes:
    found = statement(customer)
    with force_locale(customer.language or "fr"):
        return render_pdf(
            "pdf/statement.html",
            school=school,
            customer=customer,
            rows=[(r.day, r.number, r.label, r.debit, r.credit, r.balance) for r in found.rows],
            balance=found.balance,
            today=local_today(),
            logo=pdf_logo(school),
        )
