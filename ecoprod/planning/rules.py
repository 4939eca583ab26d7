"""The scheduling rules, as plain functions over plain facts.

The interactive checks (a master placing a student on a half-day) and the auto-planner use
these same functions, so a schedule the planner proposes can never break a rule a master
would be refused. Each refusal says why; warnings do not stop anything.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import format_date

from ecoprod.i18n import lazy_gettext as _l
from ecoprod.slots import Half, HalfDay, in_pattern, slot_label
from ecoprod.students.models import age_on


class Refusal(enum.StrEnum):
    PAST = "past"
    OTHER_WORKSHOP = "other_workshop"
    SCHOOL_CLOSED = "school_closed"
    WORKSHOP_CLOSED = "workshop_closed"
    LESSONS = "lessons"
    ABSENT = "absent"
    DOUBLE_BOOKED = "double_booked"
    MINOR_NO_DECLARATION = "minor_no_declaration"
    MINOR_NO_MEDICAL = "minor_no_medical"
    MINOR_NO_TRAINING = "minor_no_training"
    MINOR_NO_SUPERVISOR = "minor_no_supervisor"

    def message(self, **values: Any) -> str:
        return str(REFUSAL_MESSAGES[self]) % values


REFUSAL_MESSAGES = {
    Refusal.PAST: _l("%(slot)s is in the past."),
    Refusal.OTHER_WORKSHOP: _l("%(student)s is not a student of this operation's workshop."),
    Refusal.SCHOOL_CLOSED: _l("The school is closed on %(slot)s (%(reason)s)."),
    Refusal.WORKSHOP_CLOSED: _l("The workshop is not open on %(slot)s."),
    Refusal.LESSONS: _l("%(student)s has lessons on %(slot)s, not workshop time."),
    Refusal.ABSENT: _l("%(student)s is absent on %(slot)s."),
    Refusal.DOUBLE_BOOKED: _l("%(student)s is already on another operation on %(slot)s."),
    Refusal.MINOR_NO_DECLARATION: _l(
        "%(student)s is a minor on %(slot)s and no derogation declaration valid that day covers %(machine)s."
    ),
    Refusal.MINOR_NO_MEDICAL: _l(
        "%(student)s is a minor on %(slot)s and has no valid medical fitness opinion that day."
    ),
    Refusal.MINOR_NO_TRAINING: _l(
        "%(student)s is a minor and has not been trained on %(machine)s by %(slot)s."
    ),
    Refusal.MINOR_NO_SUPERVISOR: _l("%(student)s is a minor and has no named supervisor for %(machine)s."),
}


class Warning(enum.StrEnum):
    LEVEL = "level"
    OVER_CAPACITY = "over_capacity"


# --- Facts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudentFacts:
    id: int
    name: str
    birth_date: date
    workshop_id: int | None
    level: int
    pattern: int
    has_supervisor: bool
    absences: tuple[tuple[date, date, Half | None], ...] = ()
    trainings: dict[int, date] = field(default_factory=dict)  # machine id → trained on
    medical: tuple[tuple[date, date], ...] = ()  # (given on, valid until) of fit opinions

    def minor_on(self, day: date) -> bool:
        return age_on(self.birth_date, day) < 18

    def absent(self, slot: HalfDay) -> bool:
        return any(
            start <= slot.day <= end and (half is None or half is slot.half)
            for start, end, half in self.absences
        )


@dataclass(frozen=True)
class OperationFacts:
    id: int
    workshop_id: int
    difficulty: int
    machine_id: int | None = None
    machine_name: str = ""
    machine_regulated: bool = False


@dataclass
class SchoolTime:
    """The school calendar, workshop openings and the derogations, for a period."""

    closed: dict[date, str] = field(default_factory=dict)  # day → why (holidays, exams…)
    workshop_patterns: dict[int, int] = field(default_factory=dict)
    # (first day, last day, machine ids) of each derogation declaration
    declarations: tuple[tuple[date, date, frozenset[int]], ...] = ()
    today: date | None = None

    def declared(self, machine_id: int, day: date) -> bool:
        return any(
            first <= day <= last and machine_id in machines for first, last, machines in self.declarations
        )


# --- Rules ---------------------------------------------------------------------------------


def minor_refusals(
    student: StudentFacts, operation: OperationFacts, day: date, time: SchoolTime
) -> list[Refusal]:
    """Décret 2013-915: what a minor needs, that day, to work on a regulated machine."""
    if not operation.machine_regulated or operation.machine_id is None or not student.minor_on(day):
        return []
    refusals = []
    if not time.declared(operation.machine_id, day):
        refusals.append(Refusal.MINOR_NO_DECLARATION)
    if not any(given <= day <= until for given, until in student.medical):
        refusals.append(Refusal.MINOR_NO_MEDICAL)
    trained_on = student.trainings.get(operation.machine_id)
    if trained_on is None or trained_on > day:
        refusals.append(Refusal.MINOR_NO_TRAINING)
    if not student.has_supervisor:
        refusals.append(Refusal.MINOR_NO_SUPERVISOR)
    return refusals


def slot_refusals(
    student: StudentFacts,
    operation: OperationFacts,
    slot: HalfDay,
    time: SchoolTime,
    busy: set[tuple[int, HalfDay]] | frozenset[tuple[int, HalfDay]] = frozenset(),
) -> list[Refusal]:
    """Every reason this student cannot work on this operation on this half-day."""
    refusals = []
    if time.today is not None and slot.day < time.today:
        refusals.append(Refusal.PAST)
    if student.workshop_id != operation.workshop_id:
        refusals.append(Refusal.OTHER_WORKSHOP)
    if slot.day in time.closed:
        refusals.append(Refusal.SCHOOL_CLOSED)
    if not in_pattern(time.workshop_patterns.get(operation.workshop_id, 0), slot):
        refusals.append(Refusal.WORKSHOP_CLOSED)
    if not in_pattern(student.pattern, slot):
        refusals.append(Refusal.LESSONS)
    if student.absent(slot):
        refusals.append(Refusal.ABSENT)
    if (student.id, slot) in busy:
        refusals.append(Refusal.DOUBLE_BOOKED)
    refusals += minor_refusals(student, operation, slot.day, time)
    return refusals


def warnings_for(student: StudentFacts, operation: OperationFacts) -> list[Warning]:
    return [Warning.LEVEL] if student.level < operation.difficulty else []


def explain(
    refusals: Iterable[Refusal],
    student: StudentFacts,
    operation: OperationFacts,
    slot: HalfDay,
    time: SchoolTime,
) -> list[str]:
    values = {
        "student": student.name,
        "slot": slot_label(slot),
        "machine": operation.machine_name,
        "reason": time.closed.get(slot.day, ""),
    }
    return [refusal.message(**values) for refusal in refusals]


# --- Time logged -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeLogFacts:
    """What a time log is checked against (review finding 7).

    ``scheduled`` is given for a student logging their own time on the tablet: their
    half-days on this operation that day. A master, who records corrections, may log any
    open day of the order's life, within the day's workshop hours.
    """

    student: str
    day: date
    today: date
    since: date  # the day the request reached the school: no work on it before
    closed: str | None  # why the school is closed that day, if it is
    workshop_pattern: int
    half_day_hours: Decimal
    logged_that_day: Decimal  # the student's hours already logged that day, every operation
    scheduled: int | None = None
    logged_on_operation: Decimal = Decimal("0")  # the student's hours on this operation that day

    @property
    def open_half_days(self) -> int:
        return sum(in_pattern(self.workshop_pattern, HalfDay(self.day, half)) for half in Half)


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def time_log_refusals(facts: TimeLogFacts, hours: Decimal) -> list[str]:
    """Every reason these hours cannot be logged for that student on that day."""
    day = format_date(facts.day, "EEEE d MMMM y")
    if facts.day > facts.today:
        return [str(_l("Time can only be logged for today or earlier."))]
    if facts.day < facts.since:
        return [
            str(
                _l(
                    "%(day)s is before the request reached the school (%(since)s).",
                    day=day,
                    since=format_date(facts.since, "d MMMM y"),
                )
            )
        ]
    if facts.closed:
        return [str(_l("The school is closed on %(day)s (%(reason)s).", day=day, reason=facts.closed))]
    if not facts.open_half_days:
        return [str(_l("The workshop is not open on %(day)s.", day=day))]
    refusals = []
    ceiling = facts.half_day_hours * facts.open_half_days
    if facts.logged_that_day + hours > ceiling:
        refusals.append(
            str(
                _l(
                    "%(student)s would have %(total)s h logged on %(day)s: the workshop day holds %(max)s h.",
                    student=facts.student,
                    total=_hours(facts.logged_that_day + hours),
                    day=day,
                    max=_hours(ceiling),
                )
            )
        )
    if facts.scheduled is not None:
        if not facts.scheduled:
            refusals.append(str(_l("You were not planned on this operation on %(day)s.", day=day)))
        elif facts.logged_on_operation + hours > facts.half_day_hours * facts.scheduled:
            refusals.append(
                str(
                    _l(
                        "Your half-days on this operation on %(day)s hold %(max)s h, %(logged)s h already logged.",
                        day=day,
                        max=_hours(facts.half_day_hours * facts.scheduled),
                        logged=_hours(facts.logged_on_operation),
                    )
                )
            )
    return refusals
