"""An order's operations (add, change, order, remove) and the workshops' routings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.orders.models import Order
from ecoprod.planning.models import Competence, Operation, OperationKind, RoutingStep, RoutingTemplate
from ecoprod.planning.services.base import PLANNABLE_ORDER_STATES, PlanningError
from ecoprod.planning.services.progress import refresh_order, refresh_status
from ecoprod.workshops.models import Workshop


@dataclass
class OperationInput:
    workshop_id: int
    kind: OperationKind
    name: str
    estimated_hours: Decimal
    difficulty: int = 1
    machine_id: int | None = None
    competence_ids: Sequence[int] = ()


def _check_operation_input(order: Order, data: OperationInput) -> Workshop:
    if order.state not in PLANNABLE_ORDER_STATES:
        raise PlanningError(
            [str(_l("Only a firm order (accepted, planned or in production) can be split into operations."))]
        )
    workshop = db.session.get(Workshop, data.workshop_id)
    if workshop is None or workshop.school_id != order.school_id:
        raise PlanningError([str(_l("Choose one of the school's workshops."))])
    if data.machine_id is not None and all(m.id != data.machine_id for m in workshop.machines):
        raise PlanningError([str(_l("The machine must belong to the operation's workshop."))])
    return workshop


def add_operation(order: Order, data: OperationInput) -> Operation:
    _check_operation_input(order, data)
    last = (
        db.session.scalar(sa.select(sa.func.max(Operation.position)).where(Operation.order_id == order.id))
        or 0
    )
    operation = Operation(school_id=order.school_id, order=order, position=last + 1)
    _apply_operation(operation, data)
    db.session.add(operation)
    db.session.flush()
    refresh_order(order)
    return operation


def update_operation(operation: Operation, data: OperationInput) -> None:
    _check_operation_input(operation.order, data)
    if data.workshop_id != operation.workshop_id and operation.assignments:
        raise PlanningError(
            [str(_l("Remove the assignments before moving the operation to another workshop."))]
        )
    _apply_operation(operation, data)
    db.session.flush()
    refresh_status(operation)


def _apply_operation(operation: Operation, data: OperationInput) -> None:
    operation.workshop_id = data.workshop_id
    operation.kind = data.kind
    operation.name = data.name
    operation.estimated_hours = data.estimated_hours
    operation.difficulty = data.difficulty
    operation.machine_id = data.machine_id
    operation.competences = (
        list(db.session.scalars(sa.select(Competence).where(Competence.id.in_(list(data.competence_ids)))))
        if data.competence_ids
        else []
    )


def delete_operation(operation: Operation) -> None:
    if operation.time_logs:
        raise PlanningError([str(_l("Time has been logged on this operation: it cannot be deleted."))])
    order = operation.order
    db.session.delete(operation)
    db.session.flush()
    refresh_order(order)


def move_operation(operation: Operation, direction: int) -> None:
    """Swap with the previous (-1) or next (+1) operation of the order."""
    siblings = list(
        db.session.scalars(
            sa.select(Operation).where(Operation.order_id == operation.order_id).order_by(Operation.position)
        )
    )
    index = siblings.index(operation)
    other = index + direction
    if 0 <= other < len(siblings):
        siblings[index].position, siblings[other].position = (
            siblings[other].position,
            siblings[index].position,
        )


def operations_of(order: Order) -> list[Operation]:
    return list(
        db.session.scalars(
            sa.select(Operation).where(Operation.order_id == order.id).order_by(Operation.position)
        )
    )


def save_routing(operations: Sequence[Operation], name: str) -> RoutingTemplate:
    """A routing for later orders, from the operations of the first one's workshop."""
    first = operations[0]
    template = RoutingTemplate(school_id=first.school_id, workshop_id=first.workshop_id, name=name)
    for op in operations:
        if op.workshop_id == template.workshop_id:  # a routing belongs to one workshop
            template.steps.append(
                RoutingStep(
                    school_id=op.school_id,
                    position=op.position,
                    kind=op.kind,
                    name=op.name,
                    estimated_hours=op.estimated_hours,
                    difficulty=op.difficulty,
                    machine_id=op.machine_id,
                )
            )
    db.session.add(template)
    db.session.flush()
    return template


def apply_template(order: Order, template: RoutingTemplate) -> list[Operation]:
    return [
        add_operation(
            order,
            OperationInput(
                workshop_id=template.workshop_id,
                kind=step.kind,
                name=step.name,
                estimated_hours=step.estimated_hours,
                difficulty=step.difficulty,
                machine_id=step.machine_id,
            ),
        )
        for step in template.steps
    ]
