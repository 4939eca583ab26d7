"""Named actions of planning and progress. They change data and flush; the caller commits.

Facts for the rules (``planning.rules``) are loaded here in a few bulk queries, for one
period, so checking a week of a workshop costs the same as checking one half-day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import icalendar
import sqlalchemy as sa
from flask_babel import format_date

from ecoprod.accounts.models import Role, User, UserStatus
from ecoprod.database import utcnow
from ecoprod.errors import ActionRefused
from ecoprod.extensions import db
from ecoprod.i18n import SCHOOL_TIMEZONE, local_today, number
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.minors.models import (
    DerogationDeclaration,
    MedicalOpinion,
    SafetyTraining,
    declaration_machines,
    declaration_valid_until,
)
from ecoprod.notifications.outbox import external_url, queue_email
from ecoprod.orders import lifecycle
from ecoprod.orders.models import Order, OrderState
from ecoprod.planning import autoplan, rules
from ecoprod.planning.models import (
    Absence,
    Assignment,
    CalendarEvent,
    CalendarKind,
    Competence,
    CompetenceSignoff,
    Operation,
    OperationKind,
    OperationStatus,
    QualityResult,
    RoutingStep,
    RoutingTemplate,
    TimeLog,
)
from ecoprod.planning.rules import (
    OperationFacts,
    SchoolTime,
    StudentFacts,
    Warning,
    explain,
    slot_refusals,
    warnings_for,
)
from ecoprod.schools.models import School
from ecoprod.slots import HalfDay, half_days, in_pattern, week_start
from ecoprod.students.models import Student
from ecoprod.workshops.models import Workshop, workshop_masters

# A partially delivered order may still have work to do on what is left to deliver.
PLANNABLE_ORDER_STATES = frozenset(
    {OrderState.ACCEPTED, OrderState.PLANNED, OrderState.IN_PRODUCTION, OrderState.PARTIALLY_DELIVERED}
)


class PlanningError(ActionRefused):
    """A refused planning action; ``reasons`` are for the user, one per line."""


# --- Facts --------------------------------------------------------------------------------


def school_time(
    school_id: int, start: date, end: date, *, workshop: Workshop | None = None, declarations: bool = True
) -> SchoolTime:
    """The calendar, workshops' opening and derogation declarations between two days.

    A page about one ``workshop`` needs only its opening; one without regulated machines,
    no declarations: each saved query counts on the busiest pages.
    """
    closed: dict[date, str] = {}
    for event in db.session.scalars(
        sa.select(CalendarEvent).where(
            CalendarEvent.school_id == school_id,
            CalendarEvent.start_date <= end,
            CalendarEvent.end_date >= start,
        )
    ):
        day = max(event.start_date, start)
        while day <= min(event.end_date, end):
            closed.setdefault(day, event.label)
            day += timedelta(days=1)
    if workshop is not None:
        patterns = {workshop.id: workshop.open_pattern}
    else:
        patterns = dict(
            db.session.execute(
                sa.select(Workshop.id, Workshop.open_pattern).where(Workshop.school_id == school_id)
            ).all()
        )
    found = declarations_of(school_id) if declarations else ()
    return SchoolTime(closed=closed, workshop_patterns=patterns, declarations=found, today=local_today())


def declarations_of(school_id: int) -> tuple[tuple[date, date, frozenset[int]], ...]:
    """(declared on, valid until, machine ids) of each derogation declaration of the school."""
    rows = db.session.execute(
        sa.select(
            DerogationDeclaration.id, DerogationDeclaration.declared_on, declaration_machines.c.machine_id
        )
        .join(declaration_machines, declaration_machines.c.declaration_id == DerogationDeclaration.id)
        .where(DerogationDeclaration.school_id == school_id)
    )
    declared: dict[int, date] = {}
    machines: dict[int, set[int]] = defaultdict(set)
    for declaration_id, declared_on, machine_id in rows:
        declared[declaration_id] = declared_on
        machines[declaration_id].add(machine_id)
    return tuple(
        (declared[d], declaration_valid_until(declared[d]), frozenset(machines[d])) for d in declared
    )


def student_facts(students: Iterable[Student], start: date, end: date) -> dict[int, StudentFacts]:
    students = list(students)
    ids = [s.id for s in students]
    absences: dict[int, list] = defaultdict(list)
    for a in db.session.scalars(
        sa.select(Absence).where(
            Absence.student_id.in_(ids), Absence.start_date <= end, Absence.end_date >= start
        )
    ):
        absences[a.student_id].append((a.start_date, a.end_date, a.half))
    trainings: dict[int, dict[int, date]] = defaultdict(dict)
    for t in db.session.scalars(sa.select(SafetyTraining).where(SafetyTraining.student_id.in_(ids))):
        trainings[t.student_id][t.machine_id] = t.trained_on
    medical: dict[int, list] = defaultdict(list)
    for m in db.session.scalars(
        sa.select(MedicalOpinion).where(MedicalOpinion.student_id.in_(ids), MedicalOpinion.fit.is_(True))
    ):
        medical[m.student_id].append((m.given_on, m.valid_until))
    return {
        s.id: StudentFacts(
            id=s.id,
            name=s.full_name,
            birth_date=s.birth_date,
            workshop_id=s.workshop_id,
            level=s.level,
            pattern=s.workshop_pattern,
            has_supervisor=s.supervisor_id is not None,
            absences=tuple(absences[s.id]),
            trainings=trainings[s.id],
            medical=tuple(medical[s.id]),
        )
        for s in students
    }


def operation_facts(operation: Operation) -> OperationFacts:
    machine = operation.machine
    return OperationFacts(
        id=operation.id,
        workshop_id=operation.workshop_id,
        difficulty=operation.difficulty,
        machine_id=machine.id if machine else None,
        machine_name=machine.name if machine else "",
        machine_regulated=bool(machine and machine.regulated),
    )


def busy_slots(
    student_ids: Iterable[int], start: date, end: date, ignore: int | None = None
) -> set[tuple[int, HalfDay]]:
    stmt = sa.select(Assignment.student_id, Assignment.day, Assignment.half).where(
        Assignment.student_id.in_(list(student_ids)), Assignment.day >= start, Assignment.day <= end
    )
    if ignore is not None:
        stmt = stmt.where(Assignment.id != ignore)
    return {(sid, HalfDay(day, half)) for sid, day, half in db.session.execute(stmt)}


def hours_per_half_day(school_id: int) -> Decimal:
    return db.session.get(School, school_id).half_day_hours


# --- Operations ------------------------------------------------------------------------------


@dataclass
class OperationInput:
    workshop_id: int
    kind: OperationKind
    name: str
    estimated_hours: Decimal
    difficulty: int = 1
    machine_id: int | None = None
    competence_ids: Sequence[int] = ()


def _check_operation_input(order: Order, data: OperationInput) -> Workshop:
    if order.state not in PLANNABLE_ORDER_STATES:
        raise PlanningError(
            [str(_l("Only a firm order (accepted, planned or in production) can be split into operations."))]
        )
    workshop = db.session.get(Workshop, data.workshop_id)
    if workshop is None or workshop.school_id != order.school_id:
        raise PlanningError([str(_l("Choose one of the school's workshops."))])
    if data.machine_id is not None and all(m.id != data.machine_id for m in workshop.machines):
        raise PlanningError([str(_l("The machine must belong to the operation's workshop."))])
    return workshop


def add_operation(order: Order, data: OperationInput) -> Operation:
    _check_operation_input(order, data)
    last = (
        db.session.scalar(sa.select(sa.func.max(Operation.position)).where(Operation.order_id == order.id))
        or 0
    )
    operation = Operation(school_id=order.school_id, order=order, position=last + 1)
    _apply_operation(operation, data)
    db.session.add(operation)
    db.session.flush()
    refresh_order(order)
    return operation


def update_operation(operation: Operation, data: OperationInput) -> None:
    _check_operation_input(operation.order, data)
    if data.workshop_id != operation.workshop_id and operation.assignments:
        raise PlanningError(
            [str(_l("Remove the assignments before moving the operation to another workshop."))]
        )
    _apply_operation(operation, data)
    db.session.flush()
    refresh_status(operation)


def _apply_operation(operation: Operation, data: OperationInput) -> None:
    operation.workshop_id = data.workshop_id
    operation.kind = data.kind
    operation.name = data.name
    operation.estimated_hours = data.estimated_hours
    operation.difficulty = data.difficulty
    operation.machine_id = data.machine_id
    operation.competences = (
        list(db.session.scalars(sa.select(Competence).where(Competence.id.in_(list(data.competence_ids)))))
        if data.competence_ids
        else []
    )


def delete_operation(operation: Operation) -> None:
    if operation.time_logs:
        raise PlanningError([str(_l("Time has been logged on this operation: it cannot be deleted."))])
    order = operation.order
    db.session.delete(operation)
    db.session.flush()
    refresh_order(order)


def move_operation(operation: Operation, direction: int) -> None:
    """Swap with the previous (-1) or next (+1) operation of the order."""
    siblings = list(
        db.session.scalars(
            sa.select(Operation).where(Operation.order_id == operation.order_id).order_by(Operation.position)
        )
    )
    index = siblings.index(operation)
    other = index + direction
    if 0 <= other < len(siblings):
        siblings[index].position, siblings[other].position = (
            siblings[other].position,
            siblings[index].position,
        )


def operations_of(order: Order) -> list[Operation]:
    return list(
        db.session.scalars(
            sa.select(Operation).where(Operation.order_id == order.id).order_by(Operation.position)
        )
    )


def save_routing(operations: Sequence[Operation], name: str) -> RoutingTemplate:
    """A routing for later orders, from the operations of the first one's workshop."""
    first = operations[0]
    template = RoutingTemplate(school_id=first.school_id, workshop_id=first.workshop_id, name=name)
    for op in operations:
        if op.workshop_id == template.workshop_id:  # a routing belongs to one workshop
            template.steps.append(
                RoutingStep(
                    school_id=op.school_id,
                    position=op.position,
                    kind=op.kind,
                    name=op.name,
                    estimated_hours=op.estimated_hours,
                    difficulty=op.difficulty,
                    machine_id=op.machine_id,
                )
            )
    db.session.add(template)
    db.session.flush()
    return template


def apply_template(order: Order, template: RoutingTemplate) -> list[Operation]:
    return [
        add_operation(
            order,
            OperationInput(
                workshop_id=template.workshop_id,
                kind=step.kind,
                name=step.name,
                estimated_hours=step.estimated_hours,
                difficulty=step.difficulty,
                machine_id=step.machine_id,
            ),
        )
        for step in template.steps
    ]


# --- The school calendar ---------------------------------------------------------------------


def import_calendar(school_id: int, data: bytes, kind: CalendarKind) -> int:
    """All-day events of an iCalendar file become closed days; already imported UIDs are updated."""
    try:
        parsed = icalendar.Calendar.from_ical(data)
    except Exception as exc:  # icalendar raises many kinds on bad input
        raise ValueError(str(exc)) from exc
    count = 0
    for component in parsed.walk("VEVENT"):
        start = component.decoded("dtstart", None)
        if start is None:
            continue
        end = component.decoded("dtend", None)
        start_day = start if isinstance(start, date) and not hasattr(start, "hour") else start.date()
        if end is None:
            end_day = start_day
        else:
            end_day = end if not hasattr(end, "hour") else end.date()
            if not hasattr(end, "hour"):
                end_day -= timedelta(days=1)  # DTEND of an all-day event is exclusive
        end_day = max(end_day, start_day)
        uid = str(component.get("uid", "")) or None
        label = str(component.get("summary", "")) or str(_l("Closed"))
        existing = (
            db.session.scalars(
                sa.select(CalendarEvent).where(
                    CalendarEvent.school_id == school_id, CalendarEvent.source_uid == uid
                )
            ).first()
            if uid
            else None
        )
        event = existing or CalendarEvent(school_id=school_id, source_uid=uid)
        event.kind, event.label, event.start_date, event.end_date = kind, label[:200], start_day, end_day
        db.session.add(event)
        count += 1
    return count


# --- Assignments -------------------------------------------------------------------------------


def check_slots(
    operation: Operation, student: Student, slots: Sequence[HalfDay], ignore: int | None = None
) -> tuple[list[str], list[str]]:
    """(refusals, warnings) for putting ``student`` on ``operation`` on each of ``slots``."""
    if not slots:
        return [], []
    start, end = min(s.day for s in slots), max(s.day for s in slots)
    time = school_time(operation.school_id, start, end)
    facts = student_facts([student], start, end)[student.id]
    op_facts = operation_facts(operation)
    busy = busy_slots([student.id], start, end, ignore)
    refusals: list[str] = []
    for slot in slots:
        reasons = slot_refusals(facts, op_facts, slot, time, busy)
        refusals += explain(reasons, facts, op_facts, slot, time)
        busy.add((student.id, slot))
    warnings = []
    if Warning.LEVEL in warnings_for(facts, op_facts):
        warnings.append(
            str(
                _l(
                    "%(student)s's level (%(level)s) is below the difficulty of the operation (%(difficulty)s).",
                    student=facts.name,
                    level=facts.level,
                    difficulty=op_facts.difficulty,
                )
            )
        )
    return refusals, warnings


def assign(operation: Operation, student: Student, slots: Sequence[HalfDay], by: User | None) -> list[str]:
    """Put the student on the operation for these half-days, or refuse with every reason."""
    if operation.order.state not in PLANNABLE_ORDER_STATES:
        raise PlanningError([str(_l("This order is not being planned."))])
    refusals, warnings = check_slots(operation, student, slots)
    if refusals:
        raise PlanningError(refusals)
    hours = hours_per_half_day(operation.school_id)
    for slot in slots:
        operation.assignments.append(
            Assignment(
                school_id=operation.school_id,
                student_id=student.id,
                day=slot.day,
                half=slot.half,
                hours=hours,
                created_by_id=by.id if by else None,
            )
        )
    db.session.flush()
    refresh_status(operation)
    return warnings + capacity_warnings(operation.workshop, {week_start(s.day) for s in slots})


def move_assignment(assignment: Assignment, student: Student, slot: HalfDay, by: User | None) -> list[str]:
    refusals, warnings = check_slots(assignment.operation, student, [slot], ignore=assignment.id)
    if refusals:
        raise PlanningError(refusals)
    assignment.student_id, assignment.day, assignment.half = student.id, slot.day, slot.half
    db.session.flush()
    return warnings + capacity_warnings(assignment.operation.workshop, {week_start(slot.day)})


def unassign(assignment: Assignment) -> None:
    operation = assignment.operation
    operation.assignments.remove(assignment)
    db.session.flush()
    refresh_status(operation)


# --- Capacity ------------------------------------------------------------------------------


@dataclass
class WorkshopTime:
    """A workshop's students and the school's time over a period, read once for a page
    (without the derogation declarations: ask ``school_time`` when a regulated machine is
    concerned)."""

    start: date
    end: date
    students: list[Student]
    time: SchoolTime
    facts: dict[int, StudentFacts]

    def covers(self, start: date, end: date) -> bool:
        return self.start <= start and end <= self.end


def workshop_time(workshop: Workshop, start: date, end: date) -> WorkshopTime:
    students = list(
        db.session.scalars(
            sa.select(Student)
            .where(Student.workshop_id == workshop.id, Student.archived_at.is_(None))
            .order_by(Student.last_name, Student.first_name)
        )
    )
    time = school_time(workshop.school_id, start, end, workshop=workshop, declarations=False)
    return WorkshopTime(start, end, students, time, student_facts(students, start, end))


def weekly_load(
    workshop: Workshop, mondays: Sequence[date], loaded: WorkshopTime | None = None
) -> list[tuple[date, Decimal, Decimal]]:
    """(monday, capacity, planned) hours of a workshop for each week, read in one pass.

    Capacity is the students' workshop half-days of the week (timetable, calendar, absences)
    when the workshop is open; planned is the hours of the assignments on its operations.
    """
    if not mondays:
        return []
    first, last = min(mondays), max(mondays) + timedelta(days=6)
    if loaded is None or not loaded.covers(first, last):
        loaded = workshop_time(workshop, first, last)
    facts = list(loaded.facts.values())
    # A week's capacity: every student's workshop half-days the workshop is open (the same
    # each week), less the half-days closed by the calendar or lost to an absence.
    open_pattern = workshop.open_pattern
    weekly = sum((f.pattern & open_pattern).bit_count() for f in facts)
    available = dict.fromkeys(mondays, weekly)
    for slot in half_days(first, last):
        bit = slot.bit
        if not open_pattern & bit:
            continue
        monday = week_start(slot.day)
        if monday not in available:
            continue
        if slot.day in loaded.time.closed:
            available[monday] -= sum(1 for f in facts if f.pattern & bit)
        else:
            available[monday] -= sum(1 for f in facts if f.absences and f.pattern & bit and f.absent(slot))
    planned: dict[date, Decimal] = defaultdict(Decimal)
    rows = db.session.execute(
        sa.select(Assignment.day, sa.func.sum(Assignment.hours))
        .join(Operation, Operation.id == Assignment.operation_id)
        .where(Operation.workshop_id == workshop.id, Assignment.day >= first, Assignment.day <= last)
        .group_by(Assignment.day)
    )
    for day, hours in rows:
        planned[week_start(day)] += hours
    per_half_day = hours_per_half_day(workshop.school_id)
    return [(m, per_half_day * available[m], planned[m]) for m in mondays]


def week_capacity(workshop: Workshop, monday: date) -> tuple[Decimal, Decimal]:
    """(capacity, planned) hours of a workshop in the week starting on ``monday``."""
    _, capacity, planned = weekly_load(workshop, [monday])[0]
    return capacity, planned


def capacity_warnings(workshop: Workshop, mondays: Iterable[date]) -> list[str]:
    warnings = []
    for monday, capacity, planned in weekly_load(workshop, sorted(mondays)):
        if planned > capacity:
            warnings.append(
                str(
                    _l(
                        "The week of %(day)s is over capacity in %(workshop)s: %(planned)s h planned for %(capacity)s h.",
                        day=format_date(monday, "d MMMM"),
                        workshop=workshop.name,
                        planned=number(planned),
                        capacity=number(capacity),
                    )
                )
            )
    return warnings


# --- Statuses ----------------------------------------------------------------------------------


def refresh_status(operation: Operation) -> None:
    if operation.status in (OperationStatus.IN_PROGRESS, OperationStatus.DONE, OperationStatus.BLOCKED):
        refresh_order(operation.order)
        return
    operation.status = (
        OperationStatus.SCHEDULED
        if operation.planned_hours >= operation.estimated_hours
        else OperationStatus.TODO
    )
    refresh_order(operation.order)


def refresh_order(order: Order, by: User | None = None) -> None:
    """Move the order along with its operations: planned, in production, ready."""
    operations = list(db.session.scalars(sa.select(Operation).where(Operation.order_id == order.id)))
    if not operations:
        return
    statuses = {op.status for op in operations}
    started = statuses & {OperationStatus.IN_PROGRESS, OperationStatus.DONE} or any(
        op.time_logs for op in operations
    )
    all_planned = statuses <= {OperationStatus.SCHEDULED, OperationStatus.IN_PROGRESS, OperationStatus.DONE}
    if order.state is OrderState.ACCEPTED and all_planned:
        lifecycle.transition(order, OrderState.PLANNED, by)
    if order.state is OrderState.PLANNED and not all_planned and not started:
        lifecycle.transition(order, OrderState.ACCEPTED, by)
    if order.state is OrderState.PLANNED and started:
        lifecycle.transition(order, OrderState.IN_PRODUCTION, by)
    if order.state is OrderState.IN_PRODUCTION and is_ready(operations):
        lifecycle.transition(order, OrderState.READY, by)


def is_ready(operations: Sequence[Operation]) -> bool:
    """Every operation done, and a final inspection that passed."""
    if not operations or any(op.status is not OperationStatus.DONE for op in operations):
        return False
    inspections = [op for op in operations if op.kind is OperationKind.INSPECT]
    return bool(inspections) and inspections[-1].quality is QualityResult.PASSED


# --- Progress ----------------------------------------------------------------------------------


def time_log_facts(operation: Operation, student: Student, day: date, by: User) -> rules.TimeLogFacts:
    """The facts ``rules.time_log_refusals`` checks a time log against."""
    order = operation.order
    since = (order.submitted_at or order.created_at).astimezone(SCHOOL_TIMEZONE).date()
    closed = db.session.scalars(
        sa.select(CalendarEvent.label).where(
            CalendarEvent.school_id == operation.school_id,
            CalendarEvent.start_date <= day,
            CalendarEvent.end_date >= day,
        )
    ).first()
    logged = dict(
        db.session.execute(
            sa.select(TimeLog.operation_id, sa.func.sum(TimeLog.hours))
            .where(TimeLog.student_id == student.id, TimeLog.day == day)
            .group_by(TimeLog.operation_id)
        ).all()
    )
    scheduled = None
    if by.is_student:
        scheduled = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Assignment)
            .where(
                Assignment.operation_id == operation.id,
                Assignment.student_id == student.id,
                Assignment.day == day,
            )
        )
    return rules.TimeLogFacts(
        student=student.full_name,
        day=day,
        today=local_today(),
        since=since,
        closed=closed,
        workshop_pattern=operation.workshop.open_pattern,
        half_day_hours=hours_per_half_day(operation.school_id),
        logged_that_day=sum((Decimal(h) for h in logged.values()), Decimal("0")),
        scheduled=scheduled,
        logged_on_operation=Decimal(logged.get(operation.id, 0)),
    )


def log_time(
    operation: Operation, student: Student, day: date, hours: Decimal, by: User, note: str | None = None
) -> TimeLog:
    """Hours of learning time on a day of the order's life, within the day's workshop hours
    (and, on the tablet, within the student's own half-days on the operation)."""
    if student.workshop_id != operation.workshop_id and not any(
        a.student_id == student.id for a in operation.assignments
    ):
        raise PlanningError(
            [str(_l("%(student)s does not work on this operation.", student=student.full_name))]
        )
    if operation.order.state not in PLANNABLE_ORDER_STATES:
        raise PlanningError([str(_l("This order is not in production."))])
    refusals = rules.time_log_refusals(time_log_facts(operation, student, day, by), hours)
    if refusals:
        raise PlanningError(refusals)
    entry = TimeLog(
        school_id=operation.school_id,
        student_id=student.id,
        day=day,
        hours=hours,
        note=note,
        logged_by_id=by.id,
    )
    operation.time_logs.append(entry)
    if operation.status in (OperationStatus.TODO, OperationStatus.SCHEDULED):
        operation.status = OperationStatus.IN_PROGRESS
    db.session.flush()
    if operation.order.state is OrderState.ACCEPTED:
        lifecycle.transition(operation.order, OrderState.PLANNED, by)
    refresh_order(operation.order, by)
    return entry


@dataclass
class ProgressInput:
    status: OperationStatus
    percent_done: int
    blocked_reason: str | None = None
    quality: QualityResult = QualityResult.NONE
    quality_note: str | None = None


def update_progress(operation: Operation, data: ProgressInput, by: User) -> None:
    if data.status is OperationStatus.BLOCKED and not (data.blocked_reason or "").strip():
        raise PlanningError([str(_l("Say why the operation is blocked."))])
    if data.status is OperationStatus.DONE:
        data.percent_done = 100
    operation.status = data.status
    operation.percent_done = data.percent_done
    operation.blocked_reason = data.blocked_reason if data.status is OperationStatus.BLOCKED else None
    operation.quality = data.quality
    operation.quality_note = data.quality_note
    db.session.flush()
    if data.status in (OperationStatus.TODO, OperationStatus.SCHEDULED):
        refresh_status(operation)
    else:
        if operation.order.state is OrderState.ACCEPTED and data.status is not OperationStatus.BLOCKED:
            lifecycle.transition(operation.order, OrderState.PLANNED, by)
        refresh_order(operation.order, by)


def sign_off(student: Student, operation: Operation, competence: Competence, by: User) -> CompetenceSignoff:
    if competence not in operation.competences:
        raise PlanningError([str(_l("This competence is not trained by this operation."))])
    existing = db.session.scalars(
        sa.select(CompetenceSignoff).where(
            CompetenceSignoff.student_id == student.id,
            CompetenceSignoff.operation_id == operation.id,
            CompetenceSignoff.competence_id == competence.id,
        )
    ).first()
    if existing:
        return existing
    signoff = CompetenceSignoff(
        school_id=operation.school_id,
        student_id=student.id,
        operation_id=operation.id,
        competence_id=competence.id,
        signed_by_id=by.id,
        signed_at=utcnow(),
    )
    db.session.add(signoff)
    db.session.flush()
    return signoff


# --- Late risk -----------------------------------------------------------------------------------


def remaining_hours(operation: Operation) -> Decimal:
    if operation.status is OperationStatus.DONE:
        return Decimal("0")
    return max(operation.estimated_hours - operation.logged_hours, Decimal("0"))


def late_risk(order: Order, today: date | None = None) -> bool:
    """The hours still to do cannot fit in the workshops' free capacity before the promised date."""
    if order.promised_date is None or order.state not in PLANNABLE_ORDER_STATES:
        return False
    today = today or local_today()
    operations = list(db.session.scalars(sa.select(Operation).where(Operation.order_id == order.id)))
    need: dict[int, Decimal] = defaultdict(Decimal)
    for op in operations:
        need[op.workshop_id] += remaining_hours(op)
    if order.promised_date < today:
        return any(need.values())
    for workshop_id, hours in need.items():
        if not hours:
            continue
        workshop = db.session.get(Workshop, workshop_id)
        free = free_capacity(workshop, today, order.promised_date, for_order=order.id)
        if hours > free:
            return True
    return False


def notify_late(order: Order) -> bool:
    """Tell the masters of the order's workshops (and the admins), once a day at most."""
    today = local_today()
    if order.late_notified_on == today:
        return False
    order.late_notified_on = today
    workshop_ids = {
        op.workshop_id
        for op in db.session.scalars(sa.select(Operation).where(Operation.order_id == order.id))
    }
    masters = db.session.scalars(
        sa.select(User)
        .outerjoin(workshop_masters, workshop_masters.c.user_id == User.id)
        .where(
            User.school_id == order.school_id,
            User.status == UserStatus.ACTIVE,
            sa.or_(User.role == Role.ADMIN, workshop_masters.c.workshop_id.in_(workshop_ids)),
        )
        .distinct()
    )
    link = external_url("orders.detail", order_id=order.id)
    for user in masters:
        queue_email(
            user.email, "late_risk", locale=user.locale, school_id=order.school_id, order=order, link=link
        )
    return True


def notify_late_orders(today: date | None = None) -> int:
    """Every school's firm orders at risk, each notified at most once a day; how many were."""
    orders = db.session.scalars(
        sa.select(Order)
        .where(Order.state.in_(list(PLANNABLE_ORDER_STATES)), Order.promised_date.is_not(None))
        .order_by(Order.id)
        .execution_options(all_schools=True)
    )
    return sum(1 for order in orders if late_risk(order, today) and notify_late(order))


def free_capacity(workshop: Workshop, start: date, end: date, for_order: int | None = None) -> Decimal:
    """Student half-days of the workshop until ``end`` not taken by other orders' work, in hours."""
    students = list(
        db.session.scalars(
            sa.select(Student).where(Student.workshop_id == workshop.id, Student.archived_at.is_(None))
        )
    )
    time = school_time(workshop.school_id, start, end)
    facts = student_facts(students, start, end)
    taken_stmt = (
        sa.select(Assignment.student_id, Assignment.day, Assignment.half)
        .join(Operation, Operation.id == Assignment.operation_id)
        .where(Operation.workshop_id == workshop.id, Assignment.day >= start, Assignment.day <= end)
    )
    if for_order is not None:
        taken_stmt = taken_stmt.where(Operation.order_id != for_order)
    taken = {(sid, HalfDay(day, half)) for sid, day, half in db.session.execute(taken_stmt)}
    free = sum(
        1
        for slot in half_days(start, end)
        if slot.day not in time.closed and in_pattern(workshop.open_pattern, slot)
        for f in facts.values()
        if in_pattern(f.pattern, slot) and not f.absent(slot) and (f.id, slot) not in taken
    )
    return hours_per_half_day(workshop.school_id) * free


# --- Auto-plan ------------------------------------------------------------------------------------

HORIZON_WEEKS = 12


def propose(
    workshop: Workshop, start: date | None = None, weeks: int = HORIZON_WEEKS
) -> tuple[autoplan.Proposal, dict[int, Operation]]:
    """A schedule for the workshop's unscheduled operations of firm orders; nothing is written."""
    start = start or local_today()
    end = start + timedelta(weeks=weeks) - timedelta(days=1)
    operations = list(
        db.session.scalars(
            sa.select(Operation)
            .join(Order, Order.id == Operation.order_id)
            .where(
                Operation.workshop_id == workshop.id,
                Operation.status == OperationStatus.TODO,
                Order.state.in_(list(PLANNABLE_ORDER_STATES)),
            )
            .options(
                sa.orm.selectinload(Operation.assignments),
                sa.orm.joinedload(Operation.machine),
                sa.orm.joinedload(Operation.order),
            )
        )
    )
    order_ids = {op.order_id for op in operations}
    earlier = list(
        db.session.scalars(
            sa.select(Operation)
            .where(Operation.order_id.in_(order_ids))
            .options(sa.orm.selectinload(Operation.assignments))
        )
    )
    todo_ids = {op.id for op in operations}
    by_order: dict[int, list[Operation]] = defaultdict(list)
    for e in earlier:
        by_order[e.order_id].append(e)
    to_plan = []
    for op in operations:
        before = [e for e in by_order[op.order_id] if e.position < op.position]
        waiting = any(e.id not in todo_ids and e.status is OperationStatus.TODO for e in before)
        slots = [a.slot for e in before for a in e.assignments]
        to_plan.append(
            autoplan.OperationToPlan(
                facts=operation_facts(op),
                order_id=op.order_id,
                position=op.position,
                promised_date=op.order.promised_date,
                remaining_hours=max(op.estimated_hours - op.planned_hours, Decimal("0")),
                after=max(slots) if slots else None,
                waiting=waiting,
            )
        )
    students = list(
        db.session.scalars(
            sa.select(Student).where(Student.workshop_id == workshop.id, Student.archived_at.is_(None))
        )
    )
    facts = student_facts(students, start, end)
    time = school_time(workshop.school_id, start, end)
    busy = busy_slots(facts.keys(), start, end)
    proposal = autoplan.auto_plan(
        to_plan, list(facts.values()), time, start, end, hours_per_half_day(workshop.school_id), busy
    )
    return proposal, {op.id: op for op in operations}


def apply_proposal(workshop: Workshop, proposal: autoplan.Proposal, by: User) -> int:
    """Write a reviewed proposal, every assignment checked again by the same rules.

    The school's time is read once for the proposal's whole span; a single refusal (the
    data changed since the proposal was made) refuses everything, with its reasons.
    """
    if not proposal.assignments:
        return 0
    operations = {
        op.id: op
        for op in db.session.scalars(
            sa.select(Operation)
            .where(Operation.id.in_({a[0] for a in proposal.assignments}))
            .options(
                sa.orm.joinedload(Operation.machine),
                sa.orm.joinedload(Operation.order),
                sa.orm.selectinload(Operation.assignments),
            )
        )
    }
    students = list(
        db.session.scalars(sa.select(Student).where(Student.id.in_({a[1] for a in proposal.assignments})))
    )
    start = min(slot.day for _, _, slot in proposal.assignments)
    end = max(slot.day for _, _, slot in proposal.assignments)
    time = school_time(workshop.school_id, start, end)
    facts = student_facts(students, start, end)
    busy = busy_slots(facts.keys(), start, end)
    op_facts = {op_id: operation_facts(op) for op_id, op in operations.items()}
    refusals: list[str] = []
    for op_id, student_id, slot in proposal.assignments:
        if operations[op_id].order.state not in PLANNABLE_ORDER_STATES:
            raise PlanningError([str(_l("This order is not being planned."))])
        reasons = slot_refusals(facts[student_id], op_facts[op_id], slot, time, busy)
        refusals += explain(reasons, facts[student_id], op_facts[op_id], slot, time)
        busy.add((student_id, slot))
    if refusals:
        raise PlanningError(refusals)
    hours = hours_per_half_day(workshop.school_id)
    for op_id, student_id, slot in proposal.assignments:
        operations[op_id].assignments.append(
            Assignment(
                school_id=workshop.school_id,
                student_id=student_id,
                day=slot.day,
                half=slot.half,
                hours=hours,
                created_by_id=by.id,
            )
        )
    db.session.flush()
    for op in operations.values():
        if op.status not in (OperationStatus.IN_PROGRESS, OperationStatus.DONE, OperationStatus.BLOCKED):
            op.status = (
                OperationStatus.SCHEDULED if op.planned_hours >= op.estimated_hours else OperationStatus.TODO
            )
    for order in {op.order.id: op.order for op in operations.values()}.values():
        refresh_order(order, by)
    return len(proposal.assignments)
