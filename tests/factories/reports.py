"""A school year of work for the reports: orders quoted, planned, logged, delivered, invoiced
(one credited), competences signed off, material bought; a little of it in school B too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ecoprod.delivery.services import issue as deliver
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing import services as invoicing
from ecoprod.orders.models import Order, OrderState
from ecoprod.planning.models import (
    Assignment,
    Competence,
    CompetenceSignoff,
    Operation,
    OperationKind,
    TimeLog,
)
from ecoprod.reports import services as reports
from ecoprod.slots import Half
from ecoprod.students.models import Student
from ecoprod.tenancy import scoped_to
from tests.factories.quotes import accepted_order
from tests.factories.reference import Factory, World


@dataclass
class ReportWorld:
    world: World
    shipped: Order  # delivered in full and invoiced
    credited: Order  # delivered, invoiced, then a credit note of part of it
    open_order: Order  # accepted, in production, material bought
    adult: Student
    day: date


def _operation(
    order: Order, workshop_id: int, name: str, hours: str, machine_id: int | None = None
) -> Operation:
    op = Operation(
        school_id=order.school_id,
        order_id=order.id,
        workshop_id=workshop_id,
        kind=OperationKind.MACHINE,
        name=name,
        estimated_hours=Decimal(hours),
        machine_id=machine_id,
    )
    db.session.add(op)
    db.session.flush()
    return op


def _work(op: Operation, student: Student, day: date, half: Half, planned: str, logged: str) -> None:
    db.session.add(
        Assignment(
            school_id=op.school_id,
            operation_id=op.id,
            student_id=student.id,
            day=day,
            half=half,
            hours=Decimal(planned),
        )
    )
    db.session.add(
        TimeLog(
            school_id=op.school_id, operation_id=op.id, student_id=student.id, day=day, hours=Decimal(logged)
        )
    )


def report_world(factory: Factory, world: World) -> ReportWorld:
    """Every date is today's (so in this school year, whatever day the suite runs)."""
    day = local_today()
    w = world
    adult = factory.student(
        w.school, w.metalwork, first_name="Adèle", last_name="Majeure", birth_date=date(1990, 1, 1)
    )
    shipped = accepted_order(
        factory,
        w,
        "Axes usinés",
        [("labour", "Tournage", "10", "45", "20"), ("material", "Acier", "2", "100", "20")],
        workshop_id=w.machining.id,
    )
    credited = accepted_order(
        factory,
        w,
        "Rampe soudée",
        [("labour", "Soudure", "4", "50", "20"), ("material", "Tôle", "1", "80", "20")],
        discount="10",
        workshop_id=w.metalwork.id,
    )
    open_order = accepted_order(
        factory,
        w,
        "Portail en cours",
        [("labour", "Assemblage", "6", "45", "20"), ("material", "Profilés", "3", "30", "20")],
        state=OrderState.IN_PRODUCTION,
        workshop_id=w.metalwork.id,
    )
    with scoped_to(db.session, w.school.id):
        turning = _operation(shipped, w.machining.id, "Tournage", "10", machine_id=w.machine.id)
        _work(turning, w.student, day, Half.AM, "3.5", "4")
        _work(turning, w.student, day, Half.PM, "3.5", "3.25")
        welding = _operation(credited, w.metalwork.id, "Soudure", "4")
        _work(welding, adult, day, Half.PM, "3", "5.5")
        assembly = _operation(open_order, w.metalwork.id, "Assemblage", "6")
        _work(assembly, adult, day, Half.AM, "3", "2")
        cap = Competence(school_id=w.school.id, code="C1", name="Tourner", diploma="CAP Usinage")
        bac = Competence(school_id=w.school.id, code="C2", name="Souder", diploma="Bac Pro MSPC")
        loose = Competence(school_id=w.school.id, code="C3", name="Ranger")
        db.session.add_all([cap, bac, loose])
        db.session.flush()
        for student, op, competence in (
            (w.student, turning, cap),
            (adult, welding, bac),
            (adult, welding, loose),
        ):
            db.session.add(
                CompetenceSignoff(
                    school_id=w.school.id,
                    student_id=student.id,
                    operation_id=op.id,
                    competence_id=competence.id,
                    signed_by_id=w.master.id,
                )
            )
        shipped.promised_date = day + timedelta(days=5)
        credited.promised_date = day - timedelta(days=1)  # delivered today: late
        for order in (shipped, credited):
            deliver(order, {line.id: line.quantity for line in order.lines}, w.admin)
        invoice = invoicing.issue(invoicing.draft_invoice([shipped], w.admin), w.admin)
        second = invoicing.issue(invoicing.draft_invoice([credited], w.admin), w.admin)
        labour = next(line for line in second.lines if line.quantity == Decimal("4"))
        invoicing.issue(invoicing.draft_credit_note(second, w.admin, [(labour, Decimal("1"))]), w.admin)
        assert invoice.number
        for label, amount, workshop in (("Barres", "150.50", w.metalwork.id), ("Visserie", "12.30", None)):
            reports.record(
                open_order,
                reports.MaterialCostInput(label, Decimal(amount), day, workshop_id=workshop),
                w.master,
            )
        db.session.commit()
    # School B: hours and an order of its own, never in school A's figures.
    with scoped_to(db.session, w.other_school.id):
        other_student = factory.student(w.other_school, w.woodwork, first_name="Bob", last_name="Bravo")
        order_b = db.session.get(Order, w.other_order.id)
        op_b = _operation(order_b, w.woodwork.id, "Rabotage", "2")
        _work(op_b, other_student, day, Half.AM, "3", "7")
        db.session.commit()
    return ReportWorld(w, shipped, credited, open_order, adult, day)
