"""A school year's commercial activity: orders received per trade and per workshop, revenue
per workshop (and so per trade), customers served, deliveries on time. Each figure is one
``GROUP BY`` keyed by school; revenue is invoicing's own sum of the issued lines."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from ecoprod.delivery.models import DeliveryNote
from ecoprod.invoicing import figures
from ecoprod.invoicing.access import NOT_INTERNAL
from ecoprod.invoicing.models import Invoice, InvoiceLine
from ecoprod.orders.models import Order, OrderLine
from ecoprod.planning.models import Operation
from ecoprod.reports.schoolyear import SchoolYear
from ecoprod.reports.services.base import rows
from ecoprod.workshops.models import Trade, Workshop


@dataclass(frozen=True)
class WorkshopRow:
    """A workshop's line of the report; ``workshop_id`` None: lines tied to no workshop."""

    workshop_id: int | None
    name: str | None
    trade: Trade | None
    orders: int
    revenue: Decimal


@dataclass(frozen=True)
class TradeRow:
    trade: Trade | None
    orders: int
    revenue: Decimal


@dataclass(frozen=True)
class Activity:
    orders: int = 0
    revenue: Decimal = Decimal("0.00")
    customers_served: int = 0
    delivered: int = 0  # orders delivered in full, with a promised date
    on_time: int = 0  # of those, delivered by that date
    workshops: tuple[WorkshopRow, ...] = ()
    trades: tuple[TradeRow, ...] = ()


def workshops(network: bool) -> dict[int, tuple[int, str, Trade]]:
    """Every workshop (archived ones too: their past counts): id → (school, name, trade)."""
    stmt = sa.select(Workshop.id, Workshop.school_id, Workshop.name, Workshop.trade)
    return {wid: (school, name, trade) for wid, school, name, trade in rows(stmt, network)}


def _received(year: SchoolYear) -> list[sa.ColumnElement[bool]]:
    return [Order.submitted_at >= year.starts_at, Order.submitted_at < year.ends_before]


def orders_received(year: SchoolYear, network: bool) -> dict[int, int]:
    stmt = sa.select(Order.school_id, sa.func.count()).where(*_received(year)).group_by(Order.school_id)
    return dict(rows(stmt, network))


def orders_per_trade(year: SchoolYear, network: bool) -> dict[int, dict[Trade, int]]:
    """Orders received per trade asked for in their lines (an order of two trades counts in each)."""
    stmt = (
        sa.select(Order.school_id, OrderLine.trade, sa.func.count(sa.distinct(Order.id)))
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(*_received(year))
        .group_by(Order.school_id, OrderLine.trade)
    )
    out: dict[int, dict[Trade, int]] = defaultdict(dict)
    for school, trade, count in rows(stmt, network):
        out[school][trade] = count
    return out


def orders_per_workshop(year: SchoolYear, network: bool) -> dict[int, int]:
    """Orders received that a workshop has operations of: workshop id → count."""
    stmt = (
        sa.select(Operation.workshop_id, sa.func.count(sa.distinct(Order.id)))
        .join(Operation, Operation.order_id == Order.id)
        .where(*_received(year))
        .group_by(Operation.workshop_id)
    )
    return dict(rows(stmt, network))


def revenue_per_workshop(year: SchoolYear, network: bool) -> dict[int, dict[int | None, Decimal]]:
    """Revenue excl. VAT of the invoices and credit notes issued in the year, per school and
    workshop (``figures.revenue_query``: deposits count in their final invoice); an invoice
    the platform rejected and the internal credit note cancelling it are left out, both."""
    stmt = figures.revenue_query(Invoice.school_id, InvoiceLine.workshop_id).where(
        Invoice.issue_date.between(year.start, year.end), Invoice.cancelled_by_id.is_(None), NOT_INTERNAL
    )
    out: dict[int, dict[int | None, Decimal]] = defaultdict(dict)
    for school, workshop, amount in rows(stmt, network):
        out[school][workshop] = figures.euros(amount, figures.MICRO)
    return out


def customers_served(year: SchoolYear, network: bool) -> dict[int, int]:
    """Customers who received at least one delivery in the year."""
    stmt = (
        sa.select(DeliveryNote.school_id, sa.func.count(sa.distinct(DeliveryNote.customer_id)))
        .where(DeliveryNote.issue_date.between(year.start, year.end))
        .group_by(DeliveryNote.school_id)
    )
    return dict(rows(stmt, network))


def deliveries_on_time(year: SchoolYear, network: bool) -> dict[int, tuple[int, int]]:
    """(orders delivered in full whose last delivery fell in the year, with a promised date;
    those delivered by it), per school: the dashboard's rule, over the school year."""
    last = figures.last_deliveries(year.start - timedelta(days=1))
    stmt = figures.deliveries_query(last, Order.school_id).where(last.c.last <= year.end)
    return {school: (int(n), int(in_time or 0)) for school, n, in_time in rows(stmt, network)}


def activity(year: SchoolYear, network: bool = False) -> dict[int, Activity]:
    """Each school's activity over the year (schools with none are absent)."""
    known = workshops(network)
    received = orders_received(year, network)
    per_trade = orders_per_trade(year, network)
    per_workshop = orders_per_workshop(year, network)
    revenue = revenue_per_workshop(year, network)
    served = customers_served(year, network)
    on_time = deliveries_on_time(year, network)

    schools = set(received) | set(revenue) | set(served) | set(on_time)
    by_school_workshops: dict[int, set[int | None]] = defaultdict(set)
    for wid in per_workshop:
        by_school_workshops[known[wid][0]].add(wid)
    for school, amounts in revenue.items():
        by_school_workshops[school] |= set(amounts)
    out = {}
    for school in schools | set(by_school_workshops):
        money = revenue.get(school, {})
        rows_ = []
        trade_revenue: dict[Trade | None, Decimal] = defaultdict(Decimal)
        for wid in by_school_workshops.get(school, ()):
            name, trade = (known[wid][1], known[wid][2]) if wid is not None else (None, None)
            amount = money.get(wid, Decimal("0.00"))
            trade_revenue[trade] += amount
            rows_.append(WorkshopRow(wid, name, trade, per_workshop.get(wid, 0) if wid else 0, amount))
        rows_.sort(key=lambda r: (r.workshop_id is None, -r.revenue, r.name or ""))
        trade_orders = per_trade.get(school, {})
        trades = [
            TradeRow(
                trade, trade_orders.get(trade, 0) if trade else 0, trade_revenue.get(trade, Decimal("0.00"))
            )
            for trade in {*trade_orders, *trade_revenue}
        ]
        trades.sort(key=lambda r: (r.trade is None, -r.revenue, -r.orders))
        delivered, in_time = on_time.get(school, (0, 0))
        out[school] = Activity(
            orders=received.get(school, 0),
            revenue=sum(money.values(), Decimal("0.00")),
            customers_served=served.get(school, 0),
            delivered=delivered,
            on_time=in_time,
            workshops=tuple(rows_),
            trades=tuple(trades),
        )
    return out
