"""The administrator's figures: receivables, overdue, revenue per month and per workshop,
on-time deliveries, orders by state — each added up by the database, never row by row in
Python. Revenue and deliveries of the days that are over come from ``DayFigures`` (written
each night by ``day_figures``), the days after a school's mark live from the documents;
receivables and states are read live (they are today's, not a sum of days)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from ecoprod.delivery.models import DeliveryNote
from ecoprod.extensions import db
from ecoprod.i18n import gettext as _
from ecoprod.i18n import local_today
from ecoprod.invoicing.models import DayFigures, FiguresMark, Invoice, InvoiceKind, InvoiceLine, InvoiceState
from ecoprod.money import ZERO, to_cents
from ecoprod.orders.models import DONE, Order, OrderState
from ecoprod.workshops.models import Workshop

MICRO = 1_000_000  # DayFigures.revenue: cents × hundredths of a percent


@dataclass(frozen=True)
class Figures:
    receivables: Decimal
    receivables_count: int
    overdue: Decimal
    overdue_count: int
    months: list[tuple[date, Decimal]]  # first day of the month, revenue excl. VAT
    workshops: list[tuple[str, Decimal]]
    on_time: int | None  # percent of delivered orders delivered by the promised date
    delivered_count: int
    states: list[tuple[OrderState, int]]


@dataclass(frozen=True)
class Receivables:
    amount: Decimal
    count: int
    overdue: Decimal
    overdue_count: int


def _cents(column: sa.ColumnElement[Decimal]) -> sa.ColumnElement[int]:
    """A money column as the integer of cents it is stored as (``ScaledDecimal``)."""
    return sa.type_coerce(column, sa.BigInteger)


def euros(amount: object, scale: int = 100) -> Decimal:
    """An aggregate of cents (or of ``scale``-ths of a euro) back to euros, to the cent."""
    return to_cents(Decimal(int(amount or 0)) / scale)


def first_of_month(day: date, back: int = 0) -> date:
    month = day.month - 1 - back
    return date(day.year + month // 12, month % 12 + 1, 1)


# --- Receivables (live) ----------------------------------------------------------------------


def receivables_query(today: date, *keys: sa.ColumnElement[Any]) -> sa.Select[Any]:
    """Per ``keys``: (count, cents owed, count late, cents late) on issued invoices."""
    balance = _cents(Invoice.amount_due) - _cents(Invoice.settled)
    late = Invoice.due_date < today
    return (
        sa.select(
            *keys,
            sa.func.count(),
            sa.func.sum(balance),
            sa.func.sum(sa.case((late, 1), else_=0)),
            sa.func.sum(sa.case((late, balance), else_=0)),
        )
        .where(
            Invoice.kind != InvoiceKind.CREDIT_NOTE,
            Invoice.state.in_([InvoiceState.ISSUED, InvoiceState.PARTIALLY_PAID]),
            balance > 0,
        )
        .group_by(*keys)
    )


def receivables(count: int, owed: object, late_count: object, late: object) -> Receivables:
    """A row of ``receivables_query`` (after its keys) as amounts."""
    return Receivables(euros(owed), count, euros(late), int(late_count or 0))


# --- Revenue and deliveries: per day from the documents ------------------------------------


def _dated(column: sa.ColumnElement[date], since: date | None, until: date | None) -> list[Any]:
    return [c for c in (since and column >= since, until and column <= until) if c is not None]


def revenue_query(*keys: sa.ColumnElement[Any]) -> sa.Select[Any]:
    """Per ``keys``: micro-euros of invoice and credit note lines (a credit note takes back;
    deposits are not revenue until their final invoice), each line's net after its
    document's discount."""
    sign = sa.case((Invoice.kind == InvoiceKind.CREDIT_NOTE, -1), else_=1)
    remaining = 10000 - sa.type_coerce(Invoice.discount_percent, sa.BigInteger)  # hundredths of a percent
    return (
        sa.select(*keys, sa.func.sum(sign * InvoiceLine.net_cents_sql() * remaining))
        .select_from(Invoice)
        .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
        .where(Invoice.number.is_not(None), Invoice.kind != InvoiceKind.DEPOSIT)
        .group_by(*keys)
    )


def revenue_by_day(since: date | None, until: date) -> list[tuple[date, int | None, int]]:
    """(day, workshop id, micro-euros) of the days from ``since`` (all when None) to ``until``."""
    stmt = revenue_query(Invoice.issue_date, InvoiceLine.workshop_id).where(
        *_dated(Invoice.issue_date, since, until)
    )
    return [(day, workshop, int(amount or 0)) for day, workshop, amount in db.session.execute(stmt)]


def last_deliveries(after: date | None = None) -> sa.Subquery:
    """Each order's last delivery day; only the orders with a delivery after ``after`` (whose
    last delivery is then among those, so the notes before need not be read)."""
    return (
        sa.select(DeliveryNote.order_id, sa.func.max(DeliveryNote.issue_date).label("last"))
        .where(*_dated(DeliveryNote.issue_date, after and after + timedelta(days=1), None))
        .group_by(DeliveryNote.order_id)
        .subquery()
    )


def deliveries_query(last: sa.Subquery, *keys: sa.ColumnElement[Any]) -> sa.Select[Any]:
    """Per ``keys``: (delivered orders with a promised date, those delivered by it), each
    order counted on the day of its last delivery note."""
    return (
        sa.select(
            *keys, sa.func.count(), sa.func.sum(sa.case((last.c.last <= Order.promised_date, 1), else_=0))
        )
        .select_from(Order)
        .join(last, last.c.order_id == Order.id)
        .where(Order.state.in_(DONE), Order.promised_date.is_not(None))
        .group_by(*keys)
    )


def deliveries_by_day(since: date | None, until: date) -> list[tuple[date, int, int]]:
    last = last_deliveries(since and since - timedelta(days=1))
    stmt = deliveries_query(last, last.c.last).where(*_dated(last.c.last, since, until))
    return [(day, int(n), int(on_time or 0)) for day, n, on_time in db.session.execute(stmt)]


# --- The dashboard: the materialised days, then the live ones --------------------------------


def marks(school_ids: list[int] | None = None) -> dict[int, date]:
    """The last day added up, per school: of the scope, or of ``school_ids`` across schools
    (the operator's list)."""
    stmt = sa.select(FiguresMark.school_id, FiguresMark.through)
    if school_ids is not None:
        stmt = stmt.where(FiguresMark.school_id.in_(school_ids)).execution_options(all_schools=True)
    return dict(db.session.execute(stmt).all())


def after_mark(
    column: sa.ColumnElement[date],
    school: sa.ColumnElement[int],
    known: dict[int, date],
    everyone: bool = True,
) -> Any:
    """The rows dated after their school's mark (``known``: the marks read before; every
    school concerned has one unless ``everyone`` is False), so the days added up are not
    counted twice; bounded below by the earliest mark, for the database to read a range."""
    if not known:
        return sa.true()
    days = set(known.values())
    if len(days) == 1:
        marked = column > next(iter(days))
    else:
        through = sa.select(FiguresMark.through).where(FiguresMark.school_id == school).scalar_subquery()
        marked = sa.and_(column > min(days), column > through)
    if everyone:
        return marked
    return sa.or_(~sa.exists().where(FiguresMark.school_id == school), marked)


def revenue(
    since: date, known: dict[int, date] | None = None
) -> dict[tuple[date, int | None], tuple[str | None, Decimal]]:
    """Revenue excl. VAT since ``since`` per (month, workshop), with the workshop's name, in
    euros (unrounded): the days added up and the live ones, in one query. ``known``: the
    marks, when already read (a date the planner sees, for it to read a range of an index)."""
    year, month = sa.extract("year", DayFigures.day), sa.extract("month", DayFigures.day)
    kept = (
        sa.select(year, month, DayFigures.workshop_id, sa.func.sum(DayFigures.revenue))
        .where(DayFigures.day >= since)
        .group_by(year, month, DayFigures.workshop_id)
    )
    live_year, live_month = sa.extract("year", Invoice.issue_date), sa.extract("month", Invoice.issue_date)
    live = revenue_query(live_year, live_month, InvoiceLine.workshop_id).where(
        Invoice.issue_date >= since,
        after_mark(Invoice.issue_date, Invoice.school_id, marks() if known is None else known),
    )
    both = sa.union_all(kept, live).subquery()
    y, m, workshop_id, amount = both.c
    stmt = (
        sa.select(y, m, workshop_id, Workshop.name, sa.func.sum(amount))
        .outerjoin(Workshop, Workshop.id == workshop_id)
        .group_by(y, m, workshop_id, Workshop.name)
    )
    return {
        (date(int(y), int(m), 1), workshop): (name, Decimal(int(amount or 0)) / MICRO)
        for y, m, workshop, name, amount in db.session.execute(stmt)
    }


def on_time(known: dict[int, date] | None = None) -> tuple[int, int]:
    """(delivered orders with a promised date, those whose last delivery was by that date):
    the days added up and the live ones, in one query."""
    known = marks() if known is None else known
    last = last_deliveries(min(known.values()) if known else None)
    live_sq = deliveries_query(last).where(after_mark(last.c.last, Order.school_id, known)).subquery()
    kept = sa.select(sa.func.sum(DayFigures.delivered), sa.func.sum(DayFigures.on_time)).subquery()
    row = db.session.execute(sa.select(live_sq, kept).join_from(live_sq, kept, sa.true())).one()
    delivered, in_time = (
        int(live or 0) + int(closed or 0) for live, closed in zip(row[:2], row[2:], strict=True)
    )
    return delivered, in_time


def owed_and_states(today: date) -> tuple[Receivables, list[tuple[OrderState, int]]]:
    """Today's receivables and the count of orders per state, in one statement: the states'
    rows, then the receivables' one (its state NULL)."""
    no_cents = sa.cast(sa.null(), sa.BigInteger)
    owed = receivables_query(today).subquery()
    stmt = sa.union_all(
        sa.select(Order.state, sa.func.count(), no_cents, no_cents, no_cents).group_by(Order.state),
        sa.select(sa.null(), *owed.c),
    )
    states, found = [], Receivables(ZERO, 0, ZERO, 0)
    for state, count, owed_cents, late_count, late_cents in db.session.execute(stmt):
        if state is None:
            found = receivables(int(count or 0), owed_cents, late_count, late_cents)
        else:
            states.append((state, count))
    return found, states


def figures(today: date | None = None) -> Figures:
    today = today or local_today()
    owed, states = owed_and_states(today)

    months_shown = [first_of_month(today, back) for back in range(11, -1, -1)]
    per_month: dict[date, Decimal] = defaultdict(Decimal)
    per_workshop: dict[int | None, Decimal] = defaultdict(Decimal)
    names: dict[int | None, str | None] = {}
    known = marks()
    for (month, workshop_id), (name, amount) in revenue(months_shown[0], known).items():
        per_month[month] += amount
        per_workshop[workshop_id] += amount
        names[workshop_id] = name
    untied = _("Not tied to a workshop")
    workshops = sorted(
        ((names[wid] or untied, to_cents(amount)) for wid, amount in per_workshop.items() if amount),
        key=lambda item: -item[1],
    )

    delivered, in_time = on_time(known)
    order = list(OrderState)
    return Figures(
        receivables=owed.amount,
        receivables_count=owed.count,
        overdue=owed.overdue,
        overdue_count=owed.overdue_count,
        months=[(month, to_cents(per_month[month])) for month in months_shown],
        workshops=workshops,
        on_time=round(100 * in_time / delivered) if delivered else None,
        delivered_count=delivered,
        states=sorted(
            ((s, n) for s, n in states if s is not OrderState.DRAFT), key=lambda item: order.index(item[0])
        ),
    )
