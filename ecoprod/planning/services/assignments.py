"""Students on half-days: checked against every rule, then written."""

from __future__ import annotations

from collections.abc import Sequence

from ecoprod import audit
from ecoprod.accounts.models import User
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.planning.models import Assignment, Operation
from ecoprod.planning.rules import Warning, explain, slot_refusals, warnings_for
from ecoprod.planning.services.base import PLANNABLE_ORDER_STATES, PlanningError
from ecoprod.planning.services.capacity import capacity_warnings
from ecoprod.planning.services.facts import (
    busy_slots,
    calendar_facts,
    hours_per_half_day,
    operation_facts,
    student_facts,
)
from ecoprod.planning.services.progress import refresh_status
from ecoprod.slots import HalfDay, week_start
from ecoprod.students.models import Student


def check_slots(
    operation: Operation, student: Student, slots: Sequence[HalfDay], ignore: int | None = None
) -> tuple[list[str], list[str]]:
    """(refusals, warnings) for putting ``student`` on ``operation`` on each of ``slots``."""
    if not slots:
        return [], []
    start, end = min(s.day for s in slots), max(s.day for s in slots)
    time = calendar_facts(operation.school_id, start, end)
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
    audit.record("planning.assigned", operation, reference=len(slots), actor_id=by.id if by else None)
    return warnings + capacity_warnings(operation.workshop, {week_start(s.day) for s in slots})


def move_assignment(assignment: Assignment, student: Student, slot: HalfDay, by: User | None) -> list[str]:
    refusals, warnings = check_slots(assignment.operation, student, [slot], ignore=assignment.id)
    if refusals:
        raise PlanningError(refusals)
    assignment.student_id, assignment.day, assignment.half = student.id, slot.day, slot.half
    db.session.flush()
    audit.record("planning.moved", assignment, reference=slot.key(), actor_id=by.id if by else None)
    return warnings + capacity_warnings(assignment.operation.workshop, {week_start(slot.day)})


def unassign(assignment: Assignment) -> None:
    operation = assignment.operation
    operation.assignments.remove(assignment)
    db.session.flush()
    audit.record("planning.unassigned", operation, reference=assignment.day.isoformat())
    refresh_status(operation)
