"""Who reads the reports: a school's administrators its activity report (its students by
name), the platform operator the network's (no name); the school's staff an order's margin
and the material it cost — never a customer."""

from __future__ import annotations

from flask import abort

from ecoprod.accounts.models import User
from ecoprod.orders.models import Order
from ecoprod.reports.models import MaterialCost
from ecoprod.visibility import found_if


def can_see_margins(user: User) -> bool:
    return user.is_staff


def load_cost_or_404(cost_id: int, user: User) -> MaterialCost:
    """A material cost of the reader's school (404 for another school's, as for none)."""
    return found_if(user.is_staff, MaterialCost, cost_id)


def check_cost_of(cost: MaterialCost, order: Order) -> None:
    if cost.order_id != order.id:
        abort(404)
