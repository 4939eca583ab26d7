"""Margins per order and per workshop: the hours the quote sold against the half-days planned
and the hours the students logged, the material the quote priced against what the master
records it cost. The learning-time ratio (logged ÷ quoted) is what the school explains to
its funders: the time a young person takes to learn the work the market pays an hour for.

Each source is one ``GROUP BY`` (the accepted quote's lines, the assignments, the time logs,
the material costs) over the same orders, keyed as the caller asks: per order and workshop
for a school's report, per school for the network's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from ecoprod.customers.models import Customer
from ecoprod.invoicing.figures import MICRO, euros
from ecoprod.orders.models import Order, Unit, order_reference
from ecoprod.planning.models import Assignment, Operation, TimeLog
from ecoprod.pricing.models import LineKind
from ecoprod.quotes.models import Quote, QuoteLine, QuoteState
from ecoprod.reports.models import MaterialCost
from ecoprod.reports.schoolyear import SchoolYear
from ecoprod.reports.services.base import ZERO, hours, quantity, ratio, rows, scaled

HOURS_SOLD = (LineKind.LABOUR, LineKind.LABOUR_ONLY)


@dataclass(frozen=True)
class Margin:
    quoted_hours: Decimal = ZERO
    planned_hours: Decimal = ZERO
    logged_hours: Decimal = ZERO
    quoted_net: Decimal = ZERO  # the accepted quote, excl. VAT, after its discount
    material_quoted: Decimal = ZERO
    material_cost: Decimal = ZERO

    def __add__(self, other: Margin) -> Margin:
        return Margin(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def learning_ratio(self) -> Decimal | None:
        """Hours logged per hour sold (None when the quote sold no hours)."""
        return ratio(self.logged_hours, self.quoted_hours)

    @property
    def material_gap(self) -> Decimal:
        """Material priced minus material bought: negative when the material cost more."""
        return self.material_quoted - self.material_cost

    @property
    def after_material(self) -> Decimal:
        """What the quote brings once the material bought is paid."""
        return self.quoted_net - self.material_cost


@dataclass(frozen=True)
class OrderMargin:
    order_id: int
    reference: str
    title: str
    customer: str
    margin: Margin


@dataclass(frozen=True)
class WorkshopMargin:
    workshop_id: int | None
    margin: Margin


@dataclass(frozen=True)
class Margins:
    orders: list[OrderMargin] = field(default_factory=list)
    workshops: list[WorkshopMargin] = field(default_factory=list)
    total: Margin = field(default_factory=Margin)


def accepted_in(year: SchoolYear) -> sa.Select[Any]:
    """The orders whose quote was accepted in the year (their margins belong to it)."""
    return sa.select(Quote.order_id).where(
        Quote.state == QuoteState.ACCEPTED,
        Quote.answered_at >= year.starts_at,
        Quote.answered_at < year.ends_before,
    )


Keys = dict[str, sa.ColumnElement[Any]]


def _grouped(stmt: sa.Select[Any], keys: Keys, by: tuple[str, ...], network: bool) -> list[Any]:
    chosen = [keys[name] for name in by]
    return rows(stmt.add_columns(*chosen).group_by(*chosen), network)


def _parts(orders: Any, by: tuple[str, ...], network: bool) -> dict[tuple[Any, ...], Margin]:
    """Each source's sums over ``orders`` (ids, or a select of them), keyed by ``by`` (among
    ``school``, ``order``, ``workshop``)."""
    discounted = QuoteLine.net_cents_sql() * (10000 - scaled(Quote.discount_percent))
    sold = sa.and_(QuoteLine.kind.in_(HOURS_SOLD), QuoteLine.unit == Unit.HOUR)
    quoted = (
        sa.select(
            sa.func.sum(sa.case((sold, scaled(QuoteLine.quantity)), else_=0)),
            sa.func.sum(discounted),
            sa.func.sum(sa.case((QuoteLine.kind == LineKind.MATERIAL, discounted), else_=0)),
        )
        .select_from(Quote)
        .join(QuoteLine, QuoteLine.quote_id == Quote.id)
        .where(Quote.state == QuoteState.ACCEPTED, Quote.order_id.in_(orders))
    )
    planned = (
        sa.select(sa.func.sum(scaled(Assignment.hours)))
        .select_from(Operation)
        .join(Assignment, Assignment.operation_id == Operation.id)
        .where(Operation.order_id.in_(orders))
    )
    logged = (
        sa.select(sa.func.sum(scaled(TimeLog.hours)))
        .select_from(Operation)
        .join(TimeLog, TimeLog.operation_id == Operation.id)
        .where(Operation.order_id.in_(orders))
    )
    spent = sa.select(sa.func.sum(scaled(MaterialCost.amount))).where(MaterialCost.order_id.in_(orders))

    def keys(school: Any, order: Any, workshop: Any) -> Keys:
        return {"school": school, "order": order, "workshop": workshop}

    found: dict[tuple[Any, ...], Margin] = defaultdict(Margin)
    n = len(by)
    for row in _grouped(quoted, keys(Quote.school_id, Quote.order_id, QuoteLine.workshop_id), by, network):
        sold_hours, net, material = row[:3]
        found[tuple(row[3 : 3 + n])] += Margin(
            quoted_hours=quantity(sold_hours),
            quoted_net=euros(net, MICRO),
            material_quoted=euros(material, MICRO),
        )
    operation_keys = keys(Operation.school_id, Operation.order_id, Operation.workshop_id)
    for row in _grouped(planned, operation_keys, by, network):
        found[tuple(row[1 : 1 + n])] += Margin(planned_hours=hours(row[0]))
    for row in _grouped(logged, operation_keys, by, network):
        found[tuple(row[1 : 1 + n])] += Margin(logged_hours=hours(row[0]))
    cost_keys = keys(MaterialCost.school_id, MaterialCost.order_id, MaterialCost.workshop_id)
    for row in _grouped(spent, cost_keys, by, network):
        found[tuple(row[1 : 1 + n])] += Margin(material_cost=euros(row[0]))
    return dict(found)


def _sum(margins: Iterable[Margin]) -> Margin:
    return sum(margins, Margin())


def order_margin(order: Order) -> Margin:
    """One order's margin (the order page's panel)."""
    return _sum(_parts([order.id], ("order",), network=False).values())


def school_margins(year: SchoolYear) -> Margins:
    """The school's orders accepted in the year, each with its margin, and per workshop."""
    ids = accepted_in(year)
    parts = _parts(ids, ("order", "workshop"), network=False)
    per_order: dict[int, list[Margin]] = defaultdict(list)
    per_workshop: dict[int | None, list[Margin]] = defaultdict(list)
    for (order_id, workshop_id), margin in parts.items():
        per_order[order_id].append(margin)
        per_workshop[workshop_id].append(margin)
    described = rows(
        sa.select(Order.id, Order.number, Order.title, Customer.name)
        .join(Customer, Customer.id == Order.customer_id)
        .where(Order.id.in_(list(per_order) or [0]))
        .order_by(Order.number, Order.id),
        network=False,
    )
    orders = [
        OrderMargin(oid, order_reference(number, oid), title, customer, _sum(per_order[oid]))
        for oid, number, title, customer in described
    ]
    workshops = [WorkshopMargin(wid, _sum(found)) for wid, found in per_workshop.items()]
    return Margins(orders, workshops, _sum(m.margin for m in orders))


def network_margins(year: SchoolYear) -> dict[int, Margin]:
    """Each school's margins over its orders accepted in the year."""
    return {key[0]: margin for key, margin in _parts(accepted_in(year), ("school",), network=True).items()}
