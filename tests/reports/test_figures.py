"""The report's figures equal the same figures worked out from the raw rows, by another path:
the rows loaded one by one and added up in Python (the report adds them up in SQL)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import sqlalchemy as sa

from ecoprod.delivery.models import DeliveryNote
from ecoprod.extensions import db
from ecoprod.invoicing.models import Invoice
from ecoprod.orders.models import DONE, Order, OrderLine, Unit
from ecoprod.planning.models import Assignment, CompetenceSignoff, Operation, TimeLog
from ecoprod.pricing.models import LineKind
from ecoprod.quotes.models import Quote, QuoteState
from ecoprod.reports import services
from ecoprod.reports.models import MaterialCost
from ecoprod.reports.schoolyear import SchoolYear
from ecoprod.tenancy import scoped_to
from tests.factories import report_world


def _all(model, school_id):
    return list(
        db.session.scalars(
            sa.select(model).where(model.school_id == school_id).execution_options(all_schools=True)
        )
    )


def _expected_revenue(school_id, year):
    """Issued invoices and credit notes (not deposits) of the year, each line's net after its
    document's discount, a credit note negative; per workshop."""
    out = defaultdict(Decimal)
    for inv in _all(Invoice, school_id):
        if inv.number is None or inv.kind.value == "deposit" or not year.contains(inv.issue_date):
            continue
        sign = -1 if inv.is_credit_note else 1
        for line in inv.lines:
            out[line.workshop_id] += sign * line.net * (1 - inv.discount_percent / 100)
    return {k: v.quantize(Decimal("0.01")) for k, v in out.items()}


def test_school_figures_equal_the_raw_rows(factory, world):
    rw = report_world(factory, world)
    school = world.school.id
    year = SchoolYear.of(rw.day)
    with scoped_to(db.session, school):
        report = services.school_report(school, year)
    a, t, m = report.activity, report.training, report.margins

    # Orders received in the year, and per trade (an order counts once per trade asked for).
    orders = [
        o
        for o in _all(Order, school)
        if o.submitted_at and year.contains(o.submitted_at.astimezone(year.starts_at.tzinfo).date())
    ]
    assert a.orders == len(orders) > 0
    per_trade = defaultdict(set)
    for line in _all(OrderLine, school):
        if line.order_id in {o.id for o in orders}:
            per_trade[line.trade].add(line.order_id)
    assert {r.trade: r.orders for r in a.trades if r.orders} == {k: len(v) for k, v in per_trade.items()}

    # Revenue per workshop: issued lines, credit notes taken back, the document's discount.
    expected = _expected_revenue(school, year)
    assert {w.workshop_id: w.revenue for w in a.workshops if w.revenue} == {
        k: v for k, v in expected.items() if v
    }
    assert a.revenue == sum(expected.values()) > 0

    # Customers served, deliveries on time.
    notes = [n for n in _all(DeliveryNote, school) if year.contains(n.issue_date)]
    assert a.customers_served == len({n.customer_id for n in notes}) == 1
    last = defaultdict(lambda: None)
    for n in _all(DeliveryNote, school):
        last[n.order_id] = max(filter(None, [last[n.order_id], n.issue_date]))
    done = [
        o
        for o in _all(Order, school)
        if o.state in DONE and o.promised_date and last[o.id] and year.contains(last[o.id])
    ]
    assert (
        (a.delivered, a.on_time)
        == (len(done), sum(1 for o in done if last[o.id] <= o.promised_date))
        == (2, 1)
    )

    # Hours per student and per trade of the workshop.
    logs = [tl for tl in _all(TimeLog, school) if year.contains(tl.day)]
    per_student = defaultdict(Decimal)
    for tl in logs:
        per_student[tl.student.full_name] += tl.hours
    assert {s.name: s.hours for s in t.per_student} == dict(per_student)
    assert t.hours == sum(per_student.values()) == Decimal("14.75")
    assert t.students_with_hours == 2
    by_trade = defaultdict(Decimal)
    for tl in logs:
        by_trade[tl.operation.workshop.trade] += tl.hours
    assert {h.trade: h.hours for h in t.trades} == dict(by_trade)
    assert "Bob Bravo" not in per_student and all(s.name != "Bob Bravo" for s in t.per_student)

    # Competences per diploma.
    signoffs = _all(CompetenceSignoff, school)
    per_diploma = defaultdict(int)
    for s in signoffs:
        per_diploma[s.competence.diploma] += 1
    assert (
        {d.diploma: d.signoffs for d in t.diplomas}
        == dict(per_diploma)
        == {"CAP Usinage": 1, "Bac Pro MSPC": 1, None: 1}
    )

    # Regulated machine: Théo, a minor, on the declared machine on two half-days.
    (work,) = t.regulated
    assert (work.name, work.half_days, work.minor) == ("Théo Secretnom", 2, True)
    assert work.coverage == services.Coverage.NOT_COVERED  # no declaration in this world

    # Margins: the accepted quotes' lines, the assignments, the logs, the costs.
    accepted = [q for q in _all(Quote, school) if q.state is QuoteState.ACCEPTED]
    for om in m.orders:
        quote = next(q for q in accepted if q.order_id == om.order_id)
        factor = 1 - quote.discount_percent / 100
        sold = sum(
            (
                ln.quantity
                for ln in quote.lines
                if ln.kind in (LineKind.LABOUR, LineKind.LABOUR_ONLY) and ln.unit is Unit.HOUR
            ),
            Decimal(0),
        )
        material = sum((ln.net * factor for ln in quote.lines if ln.kind is LineKind.MATERIAL), Decimal(0))
        ops = [op for op in _all(Operation, school) if op.order_id == om.order_id]
        planned = sum(
            (a.hours for a in _all(Assignment, school) if a.operation_id in {op.id for op in ops}), Decimal(0)
        )
        logged = sum((tl.hours for tl in logs if tl.operation_id in {op.id for op in ops}), Decimal(0))
        cost = sum((c.amount for c in _all(MaterialCost, school) if c.order_id == om.order_id), Decimal(0))
        assert om.margin.quoted_hours == sold
        assert om.margin.material_quoted == material.quantize(Decimal("0.01"))
        assert (om.margin.planned_hours, om.margin.logged_hours, om.margin.material_cost) == (
            planned,
            logged,
            cost,
        )
    assert len(m.orders) == 3
    assert m.total.quoted_hours == Decimal("20") and m.total.logged_hours == Decimal("14.75")
    assert m.total.material_cost == Decimal("162.80")
    assert m.total.learning_ratio == (Decimal("14.75") / Decimal("20")).quantize(Decimal("0.01"))
    workshop = {w.workshop_id: w.margin for w in m.workshops}
    assert workshop[world.metalwork.id].material_cost == Decimal("150.50")
    assert workshop[None].material_cost == Decimal("12.30")
    assert workshop[world.machining.id].logged_hours == Decimal("7.25")


def test_the_network_report_has_every_school_and_no_name(factory, world):
    rw = report_world(factory, world)
    year = SchoolYear.of(rw.day)
    network = services.network_report(year)
    rows = {r.school_id: r for r in network.schools}
    assert set(rows) == {world.school.id, world.other_school.id}
    a, b = rows[world.school.id], rows[world.other_school.id]
    assert a.training.per_student == () and all(w.name == "" for w in a.training.regulated)
    assert (a.training.hours, b.training.hours) == (Decimal("14.75"), Decimal("7.00"))
    assert b.training.average_hours == Decimal("7.0") and b.training.students_with_hours == 1
    assert network.hours == Decimal("21.75")
    with scoped_to(db.session, world.school.id):
        school = services.school_report(world.school.id, year)
    assert a.activity == school.activity and a.margin == school.margins.total
    assert a.training.regulated_minors == 1 == a.training.regulated_not_covered


def test_another_year_is_empty(factory, world):
    rw = report_world(factory, world)
    with scoped_to(db.session, world.school.id):
        report = services.school_report(world.school.id, SchoolYear.of(rw.day).previous(2)[1])
    assert report.activity.orders == 0 and report.training.hours == 0 and report.margins.orders == []
