"""What orders show on other pages: a customer's latest requests."""

from __future__ import annotations

from ecoprod.accounts.models import User
from ecoprod.customers.models import Customer
from ecoprod.extensions import db
from ecoprod.orders import access
from ecoprod.orders.models import Order
from ecoprod.panels import Panel


def customer_panel(customer: Customer, user: User) -> Panel:
    recent = db.session.scalars(
        access.visible_orders(user)  # never the customer's unsent drafts
        .where(Order.customer_id == customer.id)
        .order_by(Order.created_at.desc())
        .limit(10)
    ).all()
    return Panel("orders/_customer_panel.html", {"recent_orders": recent})
