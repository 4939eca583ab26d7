"""A school year's training: hours logged per student and per trade, competences signed off
per diploma, students at regulated machines and whether a derogation covered them. Names
only in the school's own report (``named``); the network's figures are counts and averages."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from ecoprod.i18n import label
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.minors.models import (
    DerogationDeclaration,
    SafetyTraining,
    declaration_machines,
    declaration_valid_until,
)
from ecoprod.planning.models import Assignment, Competence, CompetenceSignoff, Operation, TimeLog
from ecoprod.reports.schoolyear import SchoolYear
from ecoprod.reports.services.base import hours, rows, scaled
from ecoprod.students.models import Student, age_on
from ecoprod.workshops.models import Machine, Trade, Workshop


@dataclass(frozen=True)
class StudentHours:
    name: str
    trade: Trade
    hours: Decimal
    operations: int


@dataclass(frozen=True)
class TradeHours:
    trade: Trade
    hours: Decimal
    students: int


@dataclass(frozen=True)
class DiplomaSignoffs:
    diploma: str | None
    signoffs: int
    students: int
    competences: int


class Coverage:
    """Whether a minor's work at a regulated machine was under a valid declaration."""

    ADULT = "adult"  # 18 or over on the first day: no derogation needed
    COVERED = "covered"  # a declaration for the machine valid from the first to the last day
    PARTLY = "partly"  # valid on some of the days only
    NOT_COVERED = "not_covered"

    LABELS = {
        ADULT: _l("Adult: not needed"),
        COVERED: _l("Covered by a declaration"),
        PARTLY: _l("Partly covered"),
        NOT_COVERED: _l("Not covered"),
    }

    @classmethod
    def label(cls, coverage: str) -> str:
        return label(cls.LABELS[coverage])


@dataclass(frozen=True)
class RegulatedWork:
    student_id: int
    name: str
    machine: str
    half_days: int
    first_day: date
    last_day: date
    minor: bool
    trained: bool  # safety training on that machine recorded by the first day
    coverage: str

    @property
    def coverage_label(self) -> str:
        return Coverage.label(self.coverage)


@dataclass(frozen=True)
class Training:
    hours: Decimal = Decimal("0.00")
    students_with_hours: int = 0
    per_student: tuple[StudentHours, ...] = ()  # the school's own report only
    trades: tuple[TradeHours, ...] = ()
    diplomas: tuple[DiplomaSignoffs, ...] = ()
    regulated: tuple[RegulatedWork, ...] = ()

    @property
    def average_hours(self) -> Decimal | None:
        if not self.students_with_hours:
            return None
        return (self.hours / self.students_with_hours).quantize(Decimal("0.1"))

    @property
    def signoffs(self) -> int:
        return sum(d.signoffs for d in self.diplomas)

    @property
    def regulated_students(self) -> int:
        return len({w.student_id for w in self.regulated})

    @property
    def regulated_minors(self) -> int:
        return len({w.student_id for w in self.regulated if w.minor})

    @property
    def regulated_not_covered(self) -> int:
        """Minors whose work at a regulated machine was not covered on every day."""
        return len({w.student_id for w in self.regulated if w.minor and w.coverage != Coverage.COVERED})


def _logged(year: SchoolYear) -> list[sa.ColumnElement[bool]]:
    return [TimeLog.day.between(year.start, year.end)]


def totals(year: SchoolYear, network: bool) -> dict[int, tuple[Decimal, int]]:
    """(hours logged, students who logged some) per school."""
    stmt = (
        sa.select(
            TimeLog.school_id,
            sa.func.sum(scaled(TimeLog.hours)),
            sa.func.count(sa.distinct(TimeLog.student_id)),
        )
        .where(*_logged(year))
        .group_by(TimeLog.school_id)
    )
    return {school: (hours(total), students) for school, total, students in rows(stmt, network)}


def per_student(year: SchoolYear) -> list[StudentHours]:
    """The school's students with the hours they logged (names: the school's report only)."""
    stmt = (
        sa.select(
            Student.first_name,
            Student.last_name,
            Student.trade,
            sa.func.sum(scaled(TimeLog.hours)),
            sa.func.count(sa.distinct(TimeLog.operation_id)),
        )
        .join(Student, Student.id == TimeLog.student_id)
        .where(*_logged(year))
        .group_by(Student.id, Student.first_name, Student.last_name, Student.trade)
        .order_by(Student.last_name, Student.first_name, Student.id)
    )
    return [
        StudentHours(f"{first} {last}", trade, hours(total), ops)
        for first, last, trade, total, ops in rows(stmt, network=False)
    ]


def per_trade(year: SchoolYear, network: bool) -> dict[int, list[TradeHours]]:
    """Hours logged per trade of the workshop the work was done in."""
    stmt = (
        sa.select(
            TimeLog.school_id,
            Workshop.trade,
            sa.func.sum(scaled(TimeLog.hours)),
            sa.func.count(sa.distinct(TimeLog.student_id)),
        )
        .join(Operation, Operation.id == TimeLog.operation_id)
        .join(Workshop, Workshop.id == Operation.workshop_id)
        .where(*_logged(year))
        .group_by(TimeLog.school_id, Workshop.trade)
    )
    out: dict[int, list[TradeHours]] = defaultdict(list)
    for school, trade, total, students in rows(stmt, network):
        out[school].append(TradeHours(trade, hours(total), students))
    for found in out.values():
        found.sort(key=lambda t: -t.hours)
    return out


def per_diploma(year: SchoolYear, network: bool) -> dict[int, list[DiplomaSignoffs]]:
    """Competences signed off in the year, per diploma of the référentiel."""
    stmt = (
        sa.select(
            CompetenceSignoff.school_id,
            Competence.diploma,
            sa.func.count(),
            sa.func.count(sa.distinct(CompetenceSignoff.student_id)),
            sa.func.count(sa.distinct(CompetenceSignoff.competence_id)),
        )
        .join(Competence, Competence.id == CompetenceSignoff.competence_id)
        .where(CompetenceSignoff.signed_at >= year.starts_at, CompetenceSignoff.signed_at < year.ends_before)
        .group_by(CompetenceSignoff.school_id, Competence.diploma)
    )
    out: dict[int, list[DiplomaSignoffs]] = defaultdict(list)
    for school, diploma, count, students, competences in rows(stmt, network):
        out[school].append(DiplomaSignoffs(diploma, count, students, competences))
    for found in out.values():
        found.sort(key=lambda d: (d.diploma is None, d.diploma or ""))
    return out


def _declarations(network: bool) -> dict[int, list[tuple[date, date]]]:
    """Machine id → the periods its declarations cover (a school has a handful)."""
    stmt = sa.select(declaration_machines.c.machine_id, DerogationDeclaration.declared_on).join(
        declaration_machines, declaration_machines.c.declaration_id == DerogationDeclaration.id
    )
    out: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for machine, declared_on in rows(stmt, network):
        out[machine].append((declared_on, declaration_valid_until(declared_on)))
    return out


def _coverage(periods: list[tuple[date, date]], first: date, last: date) -> str:
    """Covered when the declarations' periods, joined end to end, hold every day from first
    to last; partly when some of them do."""
    reached = first - timedelta(days=1)  # the last day covered so far
    for start, end in sorted(periods):
        if start <= reached + timedelta(days=1) and end > reached:
            reached = end
    if reached >= last:
        return Coverage.COVERED
    valid_on_some = any(start <= last and end >= first for start, end in periods)
    return Coverage.PARTLY if valid_on_some else Coverage.NOT_COVERED


def regulated(year: SchoolYear, network: bool) -> dict[int, list[RegulatedWork]]:
    """Students planned at a regulated machine in the year, per student and machine (their
    names only in the school's own report)."""
    named = [] if network else [Student.first_name, Student.last_name]
    keys = [Assignment.school_id, Student.id, *named, Student.birth_date, Machine.id, Machine.name]
    stmt = (
        sa.select(
            *keys,
            sa.func.count(),
            sa.func.min(Assignment.day),
            sa.func.max(Assignment.day),
            sa.func.min(SafetyTraining.trained_on),
        )
        .join(Operation, Operation.id == Assignment.operation_id)
        .join(Machine, Machine.id == Operation.machine_id)
        .join(Student, Student.id == Assignment.student_id)
        .outerjoin(
            SafetyTraining,
            sa.and_(SafetyTraining.student_id == Student.id, SafetyTraining.machine_id == Machine.id),
        )
        .where(Machine.regulated.is_(True), Assignment.day.between(year.start, year.end))
        .group_by(*keys)
    )
    declarations = _declarations(network)
    out: dict[int, list[RegulatedWork]] = defaultdict(list)
    for row in rows(stmt, network):
        school, sid = row[0], row[1]
        name = "" if network else f"{row[2]} {row[3]}"
        born, mid, machine, n, first, last, trained_on = row[-7:]
        minor = age_on(born, first) < 18
        coverage = _coverage(declarations.get(mid, []), first, last) if minor else Coverage.ADULT
        trained = trained_on is not None and trained_on <= first
        out[school].append(RegulatedWork(sid, name, machine, n, first, last, minor, trained, coverage))
    for found in out.values():
        found.sort(key=lambda w: (w.name, w.machine, w.student_id))
    return out


def training(year: SchoolYear, network: bool = False) -> dict[int, Training]:
    """Each school's training figures over the year; the students by name when not ``network``."""
    logged = totals(year, network)
    trades = per_trade(year, network)
    diplomas = per_diploma(year, network)
    machines = regulated(year, network)
    students = [] if network else per_student(year)
    out = {}
    for school in set(logged) | set(trades) | set(diplomas) | set(machines):
        total, with_hours = logged.get(school, (Decimal("0.00"), 0))
        out[school] = Training(
            hours=total,
            students_with_hours=with_hours,
            per_student=tuple(students),
            trades=tuple(trades.get(school, ())),
            diplomas=tuple(diplomas.get(school, ())),
            regulated=tuple(machines.get(school, ())),
        )
    return out
