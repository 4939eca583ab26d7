"""A report put together: the school's (with its students' names, for its administrators)
and the network's (every school, in counts and averages, for the platform operator)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from ecoprod.reports.schoolyear import SchoolYear
from ecoprod.reports.services.activity import Activity, activity, workshops
from ecoprod.reports.services.base import percent, rows
from ecoprod.reports.services.margins import Margin, Margins, network_margins, school_margins
from ecoprod.reports.services.people import Training, training
from ecoprod.schools.models import School
from ecoprod.workshops.models import Trade


@dataclass(frozen=True)
class TradeLine:
    trade: Trade | None
    orders: int
    revenue: Decimal
    hours: Decimal
    students: int


def trade_lines(found: Activity, trained: Training) -> list[TradeLine]:
    """Orders and revenue (activity) beside hours and students (training), per trade."""
    hours = {t.trade: t for t in trained.trades}
    lines = [
        TradeLine(
            t.trade,
            t.orders,
            t.revenue,
            hours[t.trade].hours if t.trade in hours else Decimal("0.00"),
            hours[t.trade].students if t.trade in hours else 0,
        )
        for t in found.trades
    ]
    seen = {t.trade for t in found.trades}
    lines += [
        TradeLine(t.trade, 0, Decimal("0.00"), t.hours, t.students)
        for t in trained.trades
        if t.trade not in seen
    ]
    return lines


class SchoolFigures:
    """What a school's report and a school's row of the network report derive alike."""

    activity: Activity
    training: Training

    @property
    def on_time_percent(self) -> int | None:
        return percent(self.activity.on_time, self.activity.delivered)

    @property
    def trades(self) -> list[TradeLine]:
        return trade_lines(self.activity, self.training)


@dataclass(frozen=True)
class SchoolReport(SchoolFigures):
    year: SchoolYear
    activity: Activity
    training: Training
    margins: Margins
    workshop_names: dict[int, str]


def school_report(school_id: int, year: SchoolYear) -> SchoolReport:
    """The school of the request's scope (``school_id`` says which, to pick its figures)."""
    return SchoolReport(
        year=year,
        activity=activity(year).get(school_id, Activity()),
        training=training(year).get(school_id, Training()),
        margins=school_margins(year),
        workshop_names={wid: name for wid, (_school, name, _trade) in workshops(network=False).items()},
    )


@dataclass(frozen=True)
class NetworkRow(SchoolFigures):
    school_id: int
    name: str
    activity: Activity
    training: Training
    margin: Margin


@dataclass(frozen=True)
class NetworkReport:
    year: SchoolYear
    schools: list[NetworkRow] = field(default_factory=list)

    @property
    def orders(self) -> int:
        return sum(r.activity.orders for r in self.schools)

    @property
    def revenue(self) -> Decimal:
        return sum((r.activity.revenue for r in self.schools), Decimal("0.00"))

    @property
    def customers_served(self) -> int:
        return sum(r.activity.customers_served for r in self.schools)

    @property
    def delivered(self) -> int:
        return sum(r.activity.delivered for r in self.schools)

    @property
    def on_time(self) -> int:
        return sum(r.activity.on_time for r in self.schools)

    @property
    def on_time_percent(self) -> int | None:
        return percent(self.on_time, self.delivered)

    @property
    def hours(self) -> Decimal:
        return sum((r.training.hours for r in self.schools), Decimal("0.00"))

    @property
    def students_with_hours(self) -> int:
        return sum(r.training.students_with_hours for r in self.schools)

    @property
    def average_hours(self) -> Decimal | None:
        return Training(self.hours, self.students_with_hours).average_hours

    @property
    def signoffs(self) -> int:
        return sum(r.training.signoffs for r in self.schools)

    @property
    def regulated_minors(self) -> int:
        return sum(r.training.regulated_minors for r in self.schools)

    @property
    def regulated_not_covered(self) -> int:
        return sum(r.training.regulated_not_covered for r in self.schools)

    @property
    def margin(self) -> Margin:
        return sum((r.margin for r in self.schools), Margin())


def network_report(year: SchoolYear) -> NetworkReport:
    """Every school of the network (those without activity too), by name."""
    schools = rows(sa.select(School.id, School.name).order_by(School.name, School.id), network=True)
    found = activity(year, network=True)
    trained = training(year, network=True)
    margins = network_margins(year)
    return NetworkReport(
        year,
        [
            NetworkRow(
                sid,
                name,
                found.get(sid, Activity()),
                trained.get(sid, Training()),
                margins.get(sid, Margin()),
            )
            for sid, name in schools
        ],
    )
