"""Late risk: the hours still to do against the workshops' free time before the promised
date, and the daily notice to masters and administrators."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from ecoprod.accounts.models import Role, User, UserStatus
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.notifications.outbox import external_url, queue_email
from ecoprod.orders.models import Order
from ecoprod.planning.models import Operation, OperationStatus
from ecoprod.planning.services.base import PLANNABLE_ORDER_STATES
from ecoprod.planning.services.capacity import free_capacities
from ecoprod.workshops.models import workshop_masters


def remaining_hours(operation: Operation) -> Decimal:
    if operation.status is OperationStatus.DONE:
        return Decimal("0")
    return max(operation.estimated_hours - operation.logged_hours, Decimal("0"))


def late_risk(order: Order, today: date | None = None) -> bool:
    """The hours still to do cannot fit in the workshops' free capacity before the promised date."""
    if order.promised_date is None or order.state not in PLANNABLE_ORDER_STATES:
        return False
    today = today or local_today()
    operations = list(
        db.session.scalars(
            sa.select(Operation)
            .where(Operation.order_id == order.id)
            .options(sa.orm.selectinload(Operation.time_logs), sa.orm.joinedload(Operation.workshop))
        )
    )
    need: dict[int, Decimal] = defaultdict(Decimal)
    for op in operations:
        need[op.workshop_id] += remaining_hours(op)
    if order.promised_date < today:
        return any(need.values())
    workshops = list({op.workshop_id: op.workshop for op in operations if need[op.workshop_id]}.values())
    free = free_capacities(workshops, today, order.promised_date, for_order=order.id)
    return any(need[workshop.id] > free[workshop.id] for workshop in workshops)


def notify_late(order: Order) -> bool:
    """Tell the masters of the order's workshops (and the admins), once a day at most."""
    today = local_today()
    if order.late_notified_on == today:
        return False
    order.late_notified_on = today
    workshop_ids = {
        op.workshop_id
        for op in db.session.scalars(sa.select(Operation).where(Operation.order_id == order.id))
    }
    masters = db.session.scalars(
        sa.select(User)
        .outerjoin(workshop_masters, workshop_masters.c.user_id == User.id)
        .where(
            User.school_id == order.school_id,
            User.status == UserStatus.ACTIVE,
            sa.or_(User.role == Role.ADMIN, workshop_masters.c.workshop_id.in_(workshop_ids)),
        )
        .distinct()
    )
    link = external_url("orders.detail", order_id=order.id)
    for user in masters:
        queue_email(
            user.email, "late_risk", locale=user.locale, school_id=order.school_id, order=order, link=link
        )
    return True


def notify_late_orders(today: date | None = None) -> int:
    """Every school's firm orders at risk, each notified at most once a day; how many were."""
    orders = db.session.scalars(
        sa.select(Order)
        .where(Order.state.in_(list(PLANNABLE_ORDER_STATES)), Order.promised_date.is_not(None))
        .order_by(Order.id)
        .execution_options(all_schools=True)
    )
    return sum(1 for order in orders if late_risk(order, today) and notify_late(order))
