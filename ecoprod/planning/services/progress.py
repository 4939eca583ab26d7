"""Progress: operation statuses, time logged, sign-offs, and the order's moves from planned
to in production to ready."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from ecoprod.accounts.models import User
from ecoprod.database import utcnow
from ecoprod.extensions import db
from ecoprod.i18n import SCHOOL_TIMEZONE, local_today
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.orders import lifecycle
from ecoprod.orders.models import Order, OrderState
from ecoprod.planning import rules
from ecoprod.planning.models import (
    Assignment,
    CalendarEvent,
    Competence,
    CompetenceSignoff,
    Operation,
    OperationKind,
    OperationStatus,
    QualityResult,
    TimeLog,
)
from ecoprod.planning.services.base import PLANNABLE_ORDER_STATES, PlanningError
from ecoprod.planning.services.facts import hours_per_half_day
from ecoprod.students.models import Student


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
    started = statuses & {OperationStatus.IN_PROGRESS, OperationStatus.DONE} or db.session.scalar(
        sa.select(sa.exists().where(TimeLog.operation_id.in_([op.id for op in operations])))
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
