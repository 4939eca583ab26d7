"""What planning shows on other pages: an order's progress (for everyone, without any
student) and, for the school, its operations and the forms that change them."""

from __future__ import annotations

import sqlalchemy as sa

from ecoprod.accounts.models import User
from ecoprod.extensions import db
from ecoprod.forms import options
from ecoprod.orders.models import FIRM, Order
from ecoprod.panels import Panel
from ecoprod.planning import access, services
from ecoprod.planning.forms import ApplyTemplateForm, TemplateForm, operation_form
from ecoprod.planning.models import Operation, RoutingTemplate
from ecoprod.planning.progress import order_progress


def order_panel(order: Order, user: User) -> Panel | None:
    progress = order_progress(order) if order.state in FIRM else None
    context: dict[str, object] = {"order": order, "progress": progress, "can_see_operations": user.is_staff}
    if user.is_staff:
        context |= _operations(order, user)
    if progress is None and not (user.is_staff and (context["operations"] or context["can_plan"])):
        return None
    return Panel("planning/_order_panel.html", context)


def _operations(order: Order, user: User) -> dict[str, object]:
    """The school's side: operations and the forms that change them."""
    operations = list(
        db.session.scalars(
            sa.select(Operation)
            .where(Operation.order_id == order.id)
            .options(
                sa.orm.selectinload(Operation.assignments),
                sa.orm.selectinload(Operation.time_logs),
                sa.orm.joinedload(Operation.workshop),
                sa.orm.joinedload(Operation.machine),
            )
            .order_by(Operation.position)
        )
    )
    can_plan = access.can_plan_order(user, order) and order.state in services.PLANNABLE_ORDER_STATES
    apply_form = ApplyTemplateForm(prefix="routing")
    apply_form.template_id.choices = options(
        (t.id, f"{t.name} ({t.workshop.name})")
        for t in db.session.scalars(sa.select(RoutingTemplate).where(RoutingTemplate.archived_at.is_(None)))
    )
    return {
        "operations": operations,
        "can_plan": can_plan,
        "operation_form": operation_form(order, user, prefill=True) if can_plan else None,
        "apply_form": apply_form,
        "template_form": TemplateForm(prefix="template"),
        "late": services.late_risk(order),
    }
