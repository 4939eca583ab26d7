"""The activity of each school, for the operator's list: one aggregate query per figure over
the schools of the page (``GROUP BY school_id``), never a row per order in Python.

Figures: administrators, customers, students, orders in progress, orders received this school year
(since 1 September), invoiced excl. VAT over the last twelve months (the lines' nets,
added up as the school's own dashboard does), and what is overdue. No student's name: counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from ecoprod.accounts.models import Role, User
from ecoprod.customers.models import Customer
from ecoprod.extensions import db
from ecoprod.i18n import SCHOOL_TIMEZONE
from ecoprod.invoicing import figures
from ecoprod.invoicing.models import DayFigures, Invoice
from ecoprod.money import ZERO
from ecoprod.orders.models import IN_PROGRESS, Order, OrderState
from ecoprod.students.models import Student


@dataclass(frozen=True)
class Activity:
    administrators: int = 0
    customers: int = 0
    students: int = 0
    in_progress: int = 0
    orders_this_year: int = 0
    invoiced: Decimal = ZERO  # excl. VAT, the last twelve months
    overdue: Decimal = ZERO
    overdue_count: int = 0


def school_year_start(today: date) -> date:
    return date(today.year if today.month >= 9 else today.year - 1, 9, 1)


def _per_school(stmt: sa.Select[Any], school_ids: Sequence[int]) -> dict[int, tuple[Any, ...]]:
    rows = db.session.execute(stmt.execution_options(all_schools=True))
    return {row[0]: tuple(row[1:]) for row in rows if row[0] in school_ids}


def _counted(model: Any, school_ids: Sequence[int], *where: sa.ColumnElement[bool]) -> dict[int, int]:
    stmt = (
        sa.select(model.school_id, sa.func.count())
        .where(model.school_id.in_(school_ids), *where)
        .group_by(model.school_id)
    )
    return {school: row[0] for school, row in _per_school(stmt, school_ids).items()}


def _invoiced(ids: list[int], since: date) -> dict[int, int]:
    """Micro-euros invoiced since ``since`` per school: its days added up each night, then
    the documents after its mark (the dashboard's own figure)."""
    kept = (
        sa.select(DayFigures.school_id, sa.func.sum(DayFigures.revenue))
        .where(DayFigures.school_id.in_(ids), DayFigures.day >= since)
        .group_by(DayFigures.school_id)
    )
    known = figures.marks(ids)
    live = figures.revenue_query(Invoice.school_id).where(
        Invoice.school_id.in_(ids),
        Invoice.issue_date >= since,
        figures.after_mark(Invoice.issue_date, Invoice.school_id, known, everyone=set(known) == set(ids)),
    )
    totals: dict[int, int] = {}
    for stmt in (kept, live):
        for school, (amount,) in _per_school(stmt, ids).items():
            totals[school] = totals.get(school, 0) + int(amount or 0)
    return totals


def activity(school_ids: Sequence[int], today: date) -> dict[int, Activity]:
    """Each school's figures (a school without any has the zeros of ``Activity()``)."""
    if not school_ids:
        return {}
    ids = list(school_ids)
    since = datetime.combine(school_year_start(today), datetime.min.time(), SCHOOL_TIMEZONE)
    administrators = _counted(User, ids, User.role == Role.ADMIN)
    customers = _counted(Customer, ids, Customer.archived_at.is_(None))
    students = _counted(Student, ids)
    in_progress = _counted(Order, ids, Order.state.in_(IN_PROGRESS))
    this_year = _counted(Order, ids, Order.created_at >= since, Order.state != OrderState.DRAFT)
    invoiced = _invoiced(ids, figures.first_of_month(today, 11))
    owed = _per_school(
        figures.receivables_query(today, Invoice.school_id).where(Invoice.school_id.in_(ids)), ids
    )
    result = {}
    for school in ids:
        late = figures.receivables(*owed[school]) if school in owed else None
        result[school] = Activity(
            administrators=administrators.get(school, 0),
            customers=customers.get(school, 0),
            students=students.get(school, 0),
            in_progress=in_progress.get(school, 0),
            orders_this_year=this_year.get(school, 0),
            invoiced=figures.euros(invoiced.get(school, 0), figures.MICRO),
            overdue=late.overdue if late else ZERO,
            overdue_count=late.overdue_count if late else 0,
        )
    return result
