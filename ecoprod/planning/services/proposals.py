"""The auto-planner's proposal for a workshop (``planning.autoplan``), reviewed by a master,
then applied under the same rules as a hand-made assignment."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from ecoprod.accounts.models import User
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.i18n import local_today
from ecoprod.orders.models import Order
from ecoprod.planning import autoplan
from ecoprod.planning.models import Assignment, Operation, OperationStatus
from ecoprod.planning.rules import explain, slot_refusals
from ecoprod.planning.services.base import PLANNABLE_ORDER_STATES, PlanningError
from ecoprod.planning.services.facts import (
    busy_slots,
    hours_per_half_day,
    operation_facts,
    time_and_facts,
)
from ecoprod.planning.services.progress import refresh_order
from ecoprod.students.models import Student
from ecoprod.workshops.models import Workshop

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
    time, facts = time_and_facts(workshop.school_id, students, start, end)
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
    time, facts = time_and_facts(workshop.school_id, students, start, end)
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
