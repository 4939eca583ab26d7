"""The facts the planning rules are checked against, loaded in a few bulk queries per period,
so checking a week of a workshop costs the same as checking one half-day."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.minors.models import (
    DerogationDeclaration,
    MedicalOpinion,
    SafetyTraining,
    declaration_machines,
    declaration_valid_until,
)
from ecoprod.planning.models import Absence, Assignment, CalendarEvent, Operation
from ecoprod.planning.rules import OperationFacts, SchoolTime, StudentFacts
from ecoprod.schools.models import School
from ecoprod.slots import HalfDay
from ecoprod.students.models import Student
from ecoprod.workshops.models import Workshop


def calendar_facts(
    school_id: int, start: date, end: date, *, workshop: Workshop | None = None, declarations: bool = True
) -> SchoolTime:
    """The calendar, workshops' opening and derogation declarations between two days.

    A page about one ``workshop`` needs only its opening; one without regulated machines,
    no declarations: each saved query counts on the busiest pages.
    """
    rows = db.session.execute(_CALENDAR_ROWS, _period(school_id, (), start, end))
    return _school_time(rows, school_id, start, end, workshop, declarations)


def time_and_facts(
    school_id: int,
    students: Iterable[Student],
    start: date,
    end: date,
    *,
    workshop: Workshop | None = None,
    declarations: bool = True,
) -> tuple[SchoolTime, dict[int, StudentFacts]]:
    """``calendar_facts`` and ``student_facts`` read in one statement (the board's)."""
    students = list(students)
    rows = db.session.execute(_TIME_AND_FACTS, _period(school_id, students, start, end)).all()
    calendar = [row for row in rows if row[0] == "c"]
    time = _school_time(calendar, school_id, start, end, workshop, declarations)
    return time, _student_facts_of(students, (row for row in rows if row[0] != "c"))


def _period(school_id: int | None, students: Iterable[Student], start: date, end: date) -> dict[str, Any]:
    """The parameters of the statements below."""
    return {"school_id": school_id, "student_ids": [s.id for s in students], "start": start, "end": end}


# The statements of the facts are built once, with parameters (``_period``): the board asks
# them at every request, and building them cost more than running them.
_SCHOOL_ID, _START, _END = sa.bindparam("school_id"), sa.bindparam("start"), sa.bindparam("end")
_STUDENT_IDS = sa.bindparam("student_ids", expanding=True)

# Each row of the facts: (kind, student, machine, first day, last day, half-day, label).
_NO_INT, _NO_DATE, _NO_TEXT = (
    sa.cast(sa.null(), sa.Integer),
    sa.cast(sa.null(), sa.Date),
    sa.cast(sa.null(), sa.String),
)
_COLUMNS = ("kind", "student", "machine", "first", "last", "half", "label")


def _facts_row(*columns: Any) -> sa.Select[Any]:
    return sa.select(*(c.label(name) for c, name in zip(columns, _COLUMNS, strict=True)))


_CALENDAR_ROWS = _facts_row(
    sa.literal("c"),
    _NO_INT,
    _NO_INT,
    CalendarEvent.start_date,
    CalendarEvent.end_date,
    sa.null(),
    CalendarEvent.label,
).where(
    CalendarEvent.school_id == _SCHOOL_ID, CalendarEvent.start_date <= _END, CalendarEvent.end_date >= _START
)

# Plain columns, not records: a board reads these for every student of a workshop.
_STUDENT_ROWS = (
    _facts_row(
        sa.literal("a"),
        Absence.student_id,
        _NO_INT,
        Absence.start_date,
        Absence.end_date,
        Absence.half,
        _NO_TEXT,
    ).where(Absence.student_id.in_(_STUDENT_IDS), Absence.start_date <= _END, Absence.end_date >= _START),
    _facts_row(
        sa.literal("t"),
        SafetyTraining.student_id,
        SafetyTraining.machine_id,
        SafetyTraining.trained_on,
        _NO_DATE,
        sa.null(),
        _NO_TEXT,
    ).where(SafetyTraining.student_id.in_(_STUDENT_IDS)),
    _facts_row(
        sa.literal("m"),
        MedicalOpinion.student_id,
        _NO_INT,
        MedicalOpinion.given_on,
        MedicalOpinion.valid_until,
        sa.null(),
        _NO_TEXT,
    ).where(MedicalOpinion.student_id.in_(_STUDENT_IDS), MedicalOpinion.fit.is_(True)),
)
_STUDENT_FACTS = sa.union_all(*_STUDENT_ROWS)
# The absences first: their half-day column gives the union its type.
_TIME_AND_FACTS = sa.union_all(*_STUDENT_ROWS, _CALENDAR_ROWS)


def _school_time(
    rows: Iterable[Any],
    school_id: int,
    start: date,
    end: date,
    workshop: Workshop | None,
    declarations: bool,
) -> SchoolTime:
    closed: dict[date, str] = {}
    for _kind, _student, _machine, first, last, _half, label in rows:
        day = max(first, start)
        while day <= min(last, end):
            closed.setdefault(day, label)
            day += timedelta(days=1)
    if workshop is not None:
        patterns = {workshop.id: workshop.open_pattern}
    else:
        patterns = dict(db.session.execute(_OPEN_PATTERNS, {"school_id": school_id}).all())
    found = declarations_of(school_id) if declarations else ()
    return SchoolTime(closed=closed, workshop_patterns=patterns, declarations=found, today=local_today())


_OPEN_PATTERNS = sa.select(Workshop.id, Workshop.open_pattern).where(Workshop.school_id == _SCHOOL_ID)
_DECLARATIONS = (
    sa.select(DerogationDeclaration.id, DerogationDeclaration.declared_on, declaration_machines.c.machine_id)
    .join(declaration_machines, declaration_machines.c.declaration_id == DerogationDeclaration.id)
    .where(DerogationDeclaration.school_id == _SCHOOL_ID)
)


def declarations_of(school_id: int) -> tuple[tuple[date, date, frozenset[int]], ...]:
    """(declared on, valid until, machine ids) of each derogation declaration of the school."""
    rows = db.session.execute(_DECLARATIONS, {"school_id": school_id})
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
    rows = db.session.execute(_STUDENT_FACTS, _period(None, students, start, end))
    return _student_facts_of(students, rows)


def _student_facts_of(students: list[Student], rows: Iterable[Any]) -> dict[int, StudentFacts]:
    absences: dict[int, list] = defaultdict(list)
    trainings: dict[int, dict[int, date]] = defaultdict(dict)
    medical: dict[int, list] = defaultdict(list)
    for kind, student_id, machine_id, first, last, half, _label in rows:
        if kind == "a":
            absences[student_id].append((first, last, half))
        elif kind == "t":
            trainings[student_id][machine_id] = first
        else:
            medical[student_id].append((first, last))
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
