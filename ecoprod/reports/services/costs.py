"""The material an order really cost: recorded and removed by the school's staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from ecoprod import audit
from ecoprod.accounts.models import User
from ecoprod.errors import ActionRefused
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.orders.models import FIRM, Order
from ecoprod.reports.models import MaterialCost
from ecoprod.workshops.models import Workshop

MAX_AMOUNT = Decimal("1000000")


class CostError(ActionRefused):
    pass


@dataclass
class MaterialCostInput:
    label: str
    amount: Decimal
    spent_on: date
    workshop_id: int | None = None


def costs_of(order: Order) -> list[MaterialCost]:
    return list(
        db.session.scalars(
            sa.select(MaterialCost)
            .where(MaterialCost.order_id == order.id)
            .options(sa.orm.joinedload(MaterialCost.workshop))
            .order_by(MaterialCost.spent_on, MaterialCost.id)
        )
    )


def record(order: Order, data: MaterialCostInput, user: User) -> MaterialCost:
    if order.state not in FIRM:
        raise CostError(str(_l("Material costs are recorded once the order is accepted.")))
    if not (Decimal("0") < data.amount <= MAX_AMOUNT):
        raise CostError(str(_l("Enter an amount above 0 and up to 1,000,000 €.")), field="amount")
    if data.workshop_id is not None and db.session.get(Workshop, data.workshop_id) is None:
        raise CostError(str(_l("Choose one of the school’s workshops.")), field="workshop_id")
    cost = MaterialCost(
        school_id=order.school_id,
        order_id=order.id,
        workshop_id=data.workshop_id,
        label=data.label,
        amount=data.amount,
        spent_on=data.spent_on,
        recorded_by_id=user.id,
    )
    db.session.add(cost)
    db.session.flush()
    audit.record("material_cost.recorded", order, reference=f"{data.amount}")
    return cost


def remove(cost: MaterialCost, order: Order) -> None:
    db.session.delete(cost)
    db.session.flush()
    audit.record("material_cost.removed", order, reference=f"{cost.amount}")
