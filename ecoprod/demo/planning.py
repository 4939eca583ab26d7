"""The demo's planning: calendar, competences, routings, the minors' register, firm orders
split and auto-planned, one started, a student's tablet sign-in."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from ecoprod.accounts import services as accounts
from ecoprod.accounts.models import Role, UserStatus
from ecoprod.demo.data.planning import COMPETENCES, ROUTING
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.minors import services as minors
from ecoprod.orders.models import Order, OrderState
from ecoprod.planning import services as planning
from ecoprod.planning.models import (
    CalendarEvent,
    CalendarKind,
    Competence,
    Operation,
    OperationStatus,
    RoutingStep,
    RoutingTemplate,
)
from ecoprod.schools.models import School
from ecoprod.students.models import Student
from ecoprod.tenancy import scoped_to
from ecoprod.workshops.models import Workshop


def demo_calendar(school: School, today: date) -> None:
    year = today.year if today.month >= 9 else today.year - 1
    events = [
        (CalendarKind.HOLIDAY, "Vacances de Noël", date(year, 12, 19), date(year + 1, 1, 3)),
        (CalendarKind.HOLIDAY, "Vacances d'hiver", date(year + 1, 2, 13), date(year + 1, 2, 28)),
        (CalendarKind.EXAM, "CAP : épreuves pratiques", date(year + 1, 6, 8), date(year + 1, 6, 10)),
        (
            CalendarKind.CLOSURE,
            "Inventaire des ateliers",
            today + timedelta(days=24),
            today + timedelta(days=24),
        ),
    ]
    for kind, label, start, end in events:
        if end < today:
            continue  # the demo's past is a story of work done: no closure in it
        db.session.add(
            CalendarEvent(
                school_id=school.id, kind=kind, label=label, start_date=max(start, today), end_date=end
            )
        )


def _competences(school: School) -> dict[str, Competence]:
    found = {}
    for code, name, diploma in COMPETENCES:
        found[code] = Competence(school_id=school.id, code=code, name=name, diploma=diploma)
        db.session.add(found[code])
    db.session.flush()
    return found


def _routing(workshop: Workshop, competences: dict[str, Competence]) -> RoutingTemplate:
    regulated = next((m for m in workshop.machines if m.regulated), None)
    template = RoutingTemplate(school_id=workshop.school_id, workshop_id=workshop.id, name="Gamme courante")
    for position, (kind, name, hours, difficulty, on_machine, _codes) in enumerate(ROUTING, start=1):
        template.steps.append(
            RoutingStep(
                school_id=workshop.school_id,
                position=position,
                kind=kind,
                name=name,
                estimated_hours=Decimal(hours),
                difficulty=difficulty,
                machine_id=regulated.id if on_machine and regulated else None,
            )
        )
    db.session.add(template)
    db.session.flush()
    return template


def _register(school: School, workshops: list[Workshop], today: date, expiring_soon: bool) -> None:
    """A declaration for the regulated machines; minors' files, one of them with gaps."""
    machines = [m for w in workshops for m in w.machines if m.regulated]
    declared_on = today - timedelta(days=3 * 365 - 20) if expiring_soon else today - timedelta(days=400)
    minors.add_declaration(
        school.id, declared_on, "Travaux sur machines de l'atelier", "DDR-2024-017", machines
    )
    students = db.session.scalars(
        sa.select(Student).where(Student.school_id == school.id).order_by(Student.id)
    )
    for n, student in enumerate(students):
        workshop = next(w for w in workshops if w.id == student.workshop_id)
        student.supervisor_id = workshop.masters[0].id
        student.level = 1 + n % 3
        if n % 5 == 4:
            continue  # a student whose file is not complete yet
        valid_until = today + timedelta(days=20) if n % 7 == 1 else today + timedelta(days=300)
        minors.add_medical_opinion(student, today - timedelta(days=60), valid_until, True)
        for machine in workshop.machines:
            if machine.regulated:
                minors.record_training(student, machine, today - timedelta(days=45))


def seed_planning(school_id: int, password_hash: str, expiring_soon: bool = False) -> None:
    """Everything planning-related for one demo school, after its quotes are accepted."""
    today = local_today()
    with scoped_to(db.session, school_id):
        school = db.session.get(School, school_id)
        workshops = list(
            db.session.scalars(
                sa.select(Workshop).where(Workshop.school_id == school_id).order_by(Workshop.id)
            )
        )
        demo_calendar(school, today)
        competences = _competences(school)
        routings = {w.id: _routing(w, competences) for w in workshops}
        _register(school, workshops, today, expiring_soon)
        db.session.flush()

        firm = db.session.scalars(
            sa.select(Order)
            .where(Order.school_id == school_id, Order.state == OrderState.ACCEPTED)
            .order_by(Order.id)
        ).all()
        by_trade = {w.trade: w for w in workshops}
        for order in firm[:-1]:  # the last one waits for the master to split it
            for trade in dict.fromkeys(line.trade for line in order.lines):
                workshop = by_trade.get(trade)
                if workshop is None:
                    continue
                operations = planning.apply_template(order, routings[workshop.id])
                for operation, step in zip(operations, ROUTING, strict=True):
                    operation.competences = [competences[code] for code in step[5]]
        db.session.flush()
        for workshop in workshops:
            proposal, _ = planning.propose(workshop)
            if proposal.assignments:
                planning.apply_proposal(workshop, proposal, workshop.masters[0])
        db.session.flush()
        _first_progress(firm, workshops, today)
        _student_sign_in(school, workshops, password_hash)
        db.session.flush()  # inside the school's scope


def _first_progress(orders: list[Order], workshops: list[Workshop], today: date) -> None:
    """Work has started on the first firm order: some time logged, a competence signed off."""
    if not orders:
        return
    first = db.session.scalars(
        sa.select(Operation).where(Operation.order_id == orders[0].id).order_by(Operation.position)
    ).first()
    if first is None:
        return
    student = next((a.student for a in first.assignments), None)
    if student is None:
        return
    master = next(w for w in workshops if w.id == first.workshop_id).masters[0]
    for back in range(1, 15):  # the last day of the order's life the rules allow
        try:
            planning.log_time(
                first,
                student,
                today - timedelta(days=back),
                Decimal("3"),
                master,
                "Débit des barres terminé à moitié",
            )
        except planning.PlanningError:
            continue
        break
    else:
        return
    planning.update_progress(first, planning.ProgressInput(OperationStatus.IN_PROGRESS, 40), master)
    if first.competences:
        planning.sign_off(student, first, first.competences[0], master)


def _student_sign_in(school: School, workshops: list[Workshop], password_hash: str) -> None:
    """One student of the first workshop signs in on the workshop tablet."""
    student = db.session.scalars(
        sa.select(Student).where(Student.workshop_id == workshops[0].id).order_by(Student.id)
    ).first()
    if student is None:
        return
    user = accounts.new_user(
        school, f"eleve@{school.slug}.example.com", student.full_name, Role.STUDENT, UserStatus.ACTIVE
    )
    user.password_hash = password_hash
    db.session.add(user)
    db.session.flush()
    student.user_id = user.id
