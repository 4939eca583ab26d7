"""Demo planning: routings, calendar, competences, the minors' register, plans and progress.

Built through the real services (auto-plan included), so the demo shows what a school would
see after a few weeks of use.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from ecoprod.accounts import services as accounts
from ecoprod.accounts.models import Role, UserStatus
from ecoprod.database import utcnow
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
    OperationKind,
    OperationStatus,
    RoutingStep,
    RoutingTemplate,
)
from ecoprod.schools.models import School
from ecoprod.students.models import Student
from ecoprod.tenancy import scoped_to
from ecoprod.workshops.models import Machine, Workshop

COMPETENCES = [
    ("C1.1", "Analyser un plan et une gamme", "CAP"),
    ("C2.1", "Préparer le poste et régler la machine", "CAP"),
    ("C3.2", "Réaliser une pièce par usinage ou formage", "CAP"),
    ("C3.4", "Assembler par soudage ou par vissage", "Bac Pro"),
    ("C4.1", "Contrôler la conformité d'une pièce", "Bac Pro"),
]

# Per workshop: (kind, name, hours, difficulty, uses the first regulated machine, competences)
ROUTING = [
    (OperationKind.CUT, "Débit et préparation", "3.5", 1, False, ("C1.1",)),
    (OperationKind.MACHINE, "Fabrication", "10.5", 2, True, ("C2.1", "C3.2")),
    (OperationKind.FINISH, "Finition", "3.5", 1, False, ("C3.4",)),
    (OperationKind.INSPECT, "Contrôle final", "3.5", 3, False, ("C4.1",)),
]


def _calendar(school: School, today: date) -> None:
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
        _calendar(school, today)
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


# --- Benchmark data --------------------------------------------------------------------------

BENCH_HOURS = [Decimal("1.75"), Decimal("3.5"), Decimal("3.5"), Decimal("7"), Decimal("10.5")]


def seed_bench_planning(slug: str, operation_count: int, student_count: int, rng_seed: int = 4) -> None:
    """Firm orders split into ``operation_count`` operations, ``student_count`` students with
    their files, one regulated machine per workshop: the auto-planner's load (nothing planned)."""
    import random

    rng = random.Random(rng_seed)
    school = db.session.scalars(sa.select(School).where(School.slug == slug)).one()
    today = local_today()
    now = utcnow()
    with scoped_to(db.session, school.id):
        workshops = list(
            db.session.scalars(
                sa.select(Workshop).where(Workshop.school_id == school.id).order_by(Workshop.id)
            )
        )
        machines = {}
        for workshop in workshops:
            machine = Machine(
                school_id=school.id, workshop=workshop, name=f"Machine {workshop.name}", regulated=True
            )
            db.session.add(machine)
            machines[workshop.id] = machine
        db.session.flush()
        minors.add_declaration(
            school.id,
            today - timedelta(days=100),
            "Machines des ateliers",
            "DDR-BENCH",
            list(machines.values()),
        )
        _calendar(school, today)
        student_rows = [
            {
                "school_id": school.id,
                "first_name": f"Élève{n:03d}",
                "last_name": f"Banc{n:03d}",
                "birth_date": today - timedelta(days=rng.randint(15 * 365 + 30, 19 * 365)),
                "trade": workshops[n % len(workshops)].trade,
                "training_year": 1 + n % 3,
                "workshop_id": workshops[n % len(workshops)].id,
                "level": 1 + n % 4,
                "supervisor_id": workshops[n % len(workshops)].masters[0].id,
                "created_at": now,
                "updated_at": now,
            }
            for n in range(student_count)
        ]
        db.session.execute(sa.insert(Student.__table__), student_rows)
        students = db.session.scalars(sa.select(Student).where(Student.school_id == school.id)).all()
        for n, student in enumerate(students):
            if n % 3:  # two students in three have a complete file
                minors.add_medical_opinion(
                    student, today - timedelta(days=30), today + timedelta(days=300), True
                )
                minors.record_training(student, machines[student.workshop_id], today - timedelta(days=20))

        by_trade = {w.trade: w for w in workshops}
        candidates = db.session.scalars(
            sa.select(Order)
            .where(Order.school_id == school.id, Order.state == OrderState.SUBMITTED)
            .order_by(Order.id)
            .options(sa.orm.selectinload(Order.lines))
        ).all()
        rows, remaining = [], operation_count
        for order in candidates:
            if remaining <= 0:
                break
            order.state = OrderState.ACCEPTED
            order.promised_date = today + timedelta(days=rng.randint(14, 84))
            workshop = by_trade[order.lines[0].trade]
            for position in range(1, min(remaining, rng.randint(1, 5)) + 1):
                kind, name, _hours, difficulty, on_machine, _codes = ROUTING[(position - 1) % len(ROUTING)]
                rows.append(
                    {
                        "school_id": school.id,
                        "order_id": order.id,
                        "workshop_id": workshop.id,
                        "position": position,
                        "kind": kind,
                        "name": name,
                        "estimated_hours": rng.choice(BENCH_HOURS),
                        "difficulty": min(difficulty, 1 + rng.randrange(3)),
                        "machine_id": machines[workshop.id].id if on_machine and rng.random() < 0.5 else None,
                        "status": OperationStatus.TODO,
                        "percent_done": 0,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                remaining -= 1
        db.session.execute(sa.insert(Operation.__table__), rows)
        db.session.flush()
    db.session.commit()
