"""What an order's progress looks like from outside: milestones, percent, photos, dates.

Built for the customer's eyes as much as the school's: nothing here names a student.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from ecoprod.extensions import db
from ecoprod.orders.models import Order, Unit
from ecoprod.planning.models import Assignment, Operation, OperationPhoto, OperationStatus, TimeLog
from ecoprod.quotes.models import Quote, QuoteState


@dataclass(frozen=True)
class Milestone:
    kind_label: str
    name: str
    workshop: str
    status: OperationStatus
    percent: int


@dataclass(frozen=True)
class Progress:
    percent: int
    milestones: list[Milestone]
    shared_photos: list[OperationPhoto]
    expected_date: date | None
    quoted_hours: Decimal
    estimated_hours: Decimal
    planned_hours: Decimal
    logged_hours: Decimal


def order_progress(order: Order) -> Progress:
    operations = list(
        db.session.scalars(
            sa.select(Operation).where(Operation.order_id == order.id).order_by(Operation.position)
        )
    )
    ids = [op.id for op in operations]
    estimated = sum((op.estimated_hours for op in operations), Decimal("0"))
    done_weight = sum(
        (
            op.estimated_hours * (100 if op.status is OperationStatus.DONE else op.percent_done)
            for op in operations
        ),
        Decimal("0"),
    )
    percent = int(done_weight / estimated) if estimated else 0
    planned = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Assignment.hours), 0)).where(Assignment.operation_id.in_(ids))
    )
    logged = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(TimeLog.hours), 0)).where(TimeLog.operation_id.in_(ids))
    )
    last_day = db.session.scalar(
        sa.select(sa.func.max(Assignment.day)).where(Assignment.operation_id.in_(ids))
    )
    photos = list(
        db.session.scalars(
            sa.select(OperationPhoto)
            .where(OperationPhoto.operation_id.in_(ids), OperationPhoto.shared_with_customer.is_(True))
            .order_by(OperationPhoto.created_at)
        )
    )
    accepted = db.session.scalars(
        sa.select(Quote).where(Quote.order_id == order.id, Quote.state == QuoteState.ACCEPTED)
    ).first()
    quoted = (
        sum((line.quantity for line in accepted.lines if line.unit is Unit.HOUR), Decimal("0"))
        if accepted
        else Decimal("0")
    )
    return Progress(
        percent=min(percent, 100),
        milestones=[
            Milestone(
                op.kind.label,
                op.name,
                op.workshop.name,
                op.status,
                100 if op.status is OperationStatus.DONE else op.percent_done,
            )
            for op in operations
        ],
        shared_photos=photos,
        expected_date=order.promised_date or last_day,
        quoted_hours=quoted,
        estimated_hours=estimated,
        planned_hours=Decimal(planned or 0),
        logged_hours=Decimal(logged or 0),
    )
