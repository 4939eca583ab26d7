"""A workshop's week on the board: who is on what each half-day, and which of those
assignments the planning rules would refuse today (a student now absent, a machine the
minor may no longer use...)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import sqlalchemy as sa

from ecoprod.extensions import db
from ecoprod.orders.models import Order, order_reference
from ecoprod.planning.models import Assignment, Operation
from ecoprod.planning.rules import OperationFacts, slot_refusals
from ecoprod.planning.services.capacity import WorkshopTime
from ecoprod.planning.services.facts import declarations_of
from ecoprod.slots import HalfDay
from ecoprod.workshops.models import Machine, Workshop


@dataclass(frozen=True)
class WeekAssignment:
    id: int
    student_id: int
    slot: HalfDay
    operation_id: int
    label: str  # "CMD-… · the operation"
    conflict: bool  # the rules would refuse it now


# Plain rows rather than ORM objects: a busy week has a chip per student and half-day. Built
# once, with parameters: the board asks it at every request.
_WEEK = (
    sa.select(
        Assignment.id,
        Assignment.student_id,
        Assignment.day,
        Assignment.half,
        Operation.id.label("operation_id"),
        Operation.name,
        Operation.difficulty,
        Operation.machine_id,
        Machine.name.label("machine_name"),
        Machine.regulated,
        Order.number,
        Order.id.label("order_id"),
    )
    .join(Operation, Operation.id == Assignment.operation_id)
    .join(Order, Order.id == Operation.order_id)
    .outerjoin(Machine, Machine.id == Operation.machine_id)
    .where(
        Operation.workshop_id == sa.bindparam("workshop_id"),
        Assignment.day >= sa.bindparam("monday"),
        Assignment.day <= sa.bindparam("friday"),
    )
)


def week_assignments(workshop: Workshop, monday: date, loaded: WorkshopTime) -> list[WeekAssignment]:
    """The week's assignments in one query, each checked against the rules in memory."""
    friday = monday + timedelta(days=4)
    time, facts = loaded.time, loaded.facts
    rows = db.session.execute(_WEEK, {"workshop_id": workshop.id, "monday": monday, "friday": friday}).all()
    busy = {(r.student_id, HalfDay(r.day, r.half)) for r in rows}
    if any(r.regulated for r in rows):  # the minors' rule needs the declarations
        time = replace(time, declarations=declarations_of(workshop.school_id))
    found = []
    for r in rows:
        slot = HalfDay(r.day, r.half)
        op = OperationFacts(
            id=r.operation_id,
            workshop_id=workshop.id,
            difficulty=r.difficulty,
            machine_id=r.machine_id,
            machine_name=r.machine_name or "",
            machine_regulated=bool(r.regulated),
        )
        conflict = r.student_id in facts and any(
            reason.value != "past"
            for reason in slot_refusals(facts[r.student_id], op, slot, time, busy - {(r.student_id, slot)})
        )
        found.append(
            WeekAssignment(
                r.id,
                r.student_id,
                slot,
                r.operation_id,
                f"{order_reference(r.number, r.order_id)} · {r.name}",
                conflict,
            )
        )
    return found
