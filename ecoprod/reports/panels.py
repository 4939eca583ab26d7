"""What the reports show on the order page: its margin and the material it cost, for the
school's staff only (a customer never sees what the school earns or what its students took)."""

from __future__ import annotations

import sqlalchemy as sa

from ecoprod.accounts.models import User
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.orders.models import FIRM, Order
from ecoprod.panels import Panel
from ecoprod.reports import access, services
from ecoprod.reports.forms import MaterialCostForm
from ecoprod.workshops.models import Workshop


def workshop_choices() -> list[tuple[int, str]]:
    stmt = sa.select(Workshop.id, Workshop.name).where(Workshop.archived_at.is_(None)).order_by(Workshop.name)
    return [(wid, name) for wid, name in db.session.execute(stmt)]


def cost_form(bound: bool = False) -> MaterialCostForm:
    """The form, read from the request when ``bound`` (its POST), else blank for the page."""
    if bound:
        form = MaterialCostForm(prefix="cost")
    else:
        form = MaterialCostForm(prefix="cost", formdata=None, spent_on=local_today())
    form.set_workshops(workshop_choices())
    return form


def order_panel(order: Order, user: User) -> Panel | None:
    if not access.can_see_margins(user) or order.state not in FIRM:
        return None
    can_record = access.can_record_costs(user, order)
    return Panel(
        "reports/_order_panel.html",
        {
            "order": order,
            "margin": services.order_margin(order),
            "costs": services.costs_of(order),
            "can_record": can_record,
            "form": cost_form() if can_record else None,
        },
    )
