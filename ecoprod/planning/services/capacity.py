"""The workshops' time: capacity of a week, what is planned in it, what is still free."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import format_date

from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.i18n import number
from ecoprod.planning.models import Assignment, Operation
from ecoprod.planning.rules import SchoolTime, StudentFacts
from ecoprod.planning.services.facts import hours_per_half_day, time_and_facts
from ecoprod.slots import Half, HalfDay, bit, day_bits, half_days, in_pattern, week_start
from ecoprod.students.models import Student
from ecoprod.workshops.models import Workshop


@dataclass
class WorkshopTime:
    """A workshop's students and the school's time over a period, read once for a page
    (without the derogation declarations: ask ``facts.calendar_facts`` when a regulated machine is
    concerned)."""

    start: date
    end: date
    students: list[Student]
    time: SchoolTime
    facts: dict[int, StudentFacts]

    def covers(self, start: date, end: date) -> bool:
        return self.start <= start and end <= self.end


# The board's statements, built once with parameters: it asks them at every request.
_STUDENTS = (
    sa.select(Student)
    .where(Student.workshop_id == sa.bindparam("workshop_id"), Student.archived_at.is_(None))
    .order_by(Student.last_name, Student.first_name)
)
_PLANNED_PER_DAY = (
    sa.select(Assignment.day, sa.func.sum(Assignment.hours))
    .join(Operation, Operation.id == Assignment.operation_id)
    .where(
        Operation.workshop_id == sa.bindparam("workshop_id"),
        Assignment.day >= sa.bindparam("first"),
        Assignment.day <= sa.bindparam("last"),
    )
    .group_by(Assignment.day)
)


def workshop_time(workshop: Workshop, start: date, end: date) -> WorkshopTime:
    students = list(db.session.scalars(_STUDENTS, {"workshop_id": workshop.id}))
    time, facts = time_and_facts(
        workshop.school_id, students, start, end, workshop=workshop, declarations=False
    )
    return WorkshopTime(start, end, students, time, facts)


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
    # A week's capacity: every student's workshop half-days the workshop is open (the same
    # each week), less the days closed by the calendar and the half-days lost to absences.
    # Only those days are visited (a few), not every student at every half-day of 12 weeks.
    open_pattern = workshop.open_pattern
    facts = list(loaded.facts.values())
    per_weekday = [sum((f.pattern & open_pattern & day_bits(w)).bit_count() for f in facts) for w in range(7)]
    available = dict.fromkeys(mondays, sum(per_weekday))
    closed = loaded.time.closed
    for day in closed:
        if week_start(day) in available:
            available[week_start(day)] -= per_weekday[day.weekday()]
    for _student, day, _half in _absent_half_days(facts, open_pattern, mondays, closed):
        available[week_start(day)] -= 1
    planned: dict[date, Decimal] = defaultdict(Decimal)
    rows = db.session.execute(_PLANNED_PER_DAY, {"workshop_id": workshop.id, "first": first, "last": last})
    for day, hours in rows:
        planned[week_start(day)] += hours
    per_half_day = hours_per_half_day(workshop.school_id)
    return [(m, per_half_day * available[m], planned[m]) for m in mondays]


def _absent_half_days(
    facts: Iterable[StudentFacts], open_pattern: int, mondays: Collection[date], closed: Container[date]
) -> set[tuple[int, date, Half]]:
    """(student, day, half) of the half-days of those weeks lost to the students' absences:
    half-days they would have worked on, days the workshop is not closed; once each, however
    many absences cover them."""
    weeks, first, last = set(mondays), min(mondays), max(mondays) + timedelta(days=6)
    lost = set()
    for f in facts:
        for start, end, half in f.absences:
            day = max(start, first)
            while day <= min(end, last):
                if week_start(day) in weeks and day not in closed:
                    for h in Half if half is None else (half,):
                        if f.pattern & open_pattern & bit(day.weekday(), h):
                            lost.add((f.id, day, h))
                day += timedelta(days=1)
    return lost


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


def free_capacity(workshop: Workshop, start: date, end: date, for_order: int | None = None) -> Decimal:
    """Student half-days of the workshop until ``end`` not taken by other orders' work, in hours."""
    return free_capacities([workshop], start, end, for_order)[workshop.id]


def free_capacities(
    workshops: Sequence[Workshop], start: date, end: date, for_order: int | None = None
) -> dict[int, Decimal]:
    """``free_capacity`` of several workshops of one school, in four queries whatever their number."""
    if not workshops:
        return {}
    ids = [w.id for w in workshops]
    school_id = workshops[0].school_id
    students = list(
        db.session.scalars(
            sa.select(Student).where(Student.workshop_id.in_(ids), Student.archived_at.is_(None))
        )
    )
    time, facts = time_and_facts(school_id, students, start, end, declarations=False)
    taken_stmt = (
        sa.select(Assignment.student_id, Assignment.day, Assignment.half)
        .join(Operation, Operation.id == Assignment.operation_id)
        .where(Operation.workshop_id.in_(ids), Assignment.day >= start, Assignment.day <= end)
    )
    if for_order is not None:
        taken_stmt = taken_stmt.where(Operation.order_id != for_order)
    taken = {(sid, HalfDay(day, half)) for sid, day, half in db.session.execute(taken_stmt)}
    per_half_day = hours_per_half_day(school_id)
    by_workshop: dict[int, list] = defaultdict(list)
    for student in students:
        by_workshop[student.workshop_id].append(facts[student.id])
    free: dict[int, Decimal] = {}
    for workshop in workshops:
        count = sum(
            1
            for slot in half_days(start, end)
            if slot.day not in time.closed and in_pattern(workshop.open_pattern, slot)
            for f in by_workshop[workshop.id]
            if in_pattern(f.pattern, slot) and not f.absent(slot) and (f.id, slot) not in taken
        )
        free[workshop.id] = per_half_day * count
    return free
