"""What a student's record is made of, read from the work actually done."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from ecoprod.extensions import db
from ecoprod.orders.models import Order
from ecoprod.planning.models import CompetenceSignoff, Operation, OperationStatus, TimeLog
from ecoprod.students.models import Student


@dataclass
class OperationLine:
    operation: Operation
    hours: Decimal
    competences: list[CompetenceSignoff] = field(default_factory=list)


@dataclass
class Record:
    student: Student
    lines: list[OperationLine]
    total_hours: Decimal
    orders: list[Order]
    competences: dict[str, list[CompetenceSignoff]]  # code → sign-offs


def record(student: Student) -> Record:
    logs = db.session.execute(
        sa.select(TimeLog.operation_id, sa.func.sum(TimeLog.hours))
        .where(TimeLog.student_id == student.id)
        .group_by(TimeLog.operation_id)
    ).all()
    hours = {op_id: Decimal(total) for op_id, total in logs}
    signoffs = list(
        db.session.scalars(
            sa.select(CompetenceSignoff)
            .where(CompetenceSignoff.student_id == student.id)
            .options(
                sa.orm.joinedload(CompetenceSignoff.competence),
                sa.orm.joinedload(CompetenceSignoff.signed_by),
            )
        )
    )
    by_operation: dict[int, list[CompetenceSignoff]] = defaultdict(list)
    by_code: dict[str, list[CompetenceSignoff]] = defaultdict(list)
    for s in signoffs:
        by_operation[s.operation_id].append(s)
        by_code[s.competence.code].append(s)
    ids = set(hours) | set(by_operation)
    operations = list(
        db.session.scalars(
            sa.select(Operation)
            .where(Operation.id.in_(ids))
            .options(sa.orm.joinedload(Operation.order), sa.orm.joinedload(Operation.workshop))
            .order_by(Operation.order_id, Operation.position)
        )
    )
    lines = [OperationLine(op, hours.get(op.id, Decimal("0")), by_operation[op.id]) for op in operations]
    orders = list({op.order_id: op.order for op in operations}.values())
    return Record(
        student,
        lines,
        sum((line.hours for line in lines), Decimal("0")),
        orders,
        dict(sorted(by_code.items())),
    )


def done(line: OperationLine) -> bool:
    return line.operation.status is OperationStatus.DONE
