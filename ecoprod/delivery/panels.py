"""What deliveries show on other pages: an order's notes, delivered and left per line."""

from __future__ import annotations

from ecoprod.accounts.models import User
from ecoprod.delivery import access, services
from ecoprod.delivery.models import DeliveryNote
from ecoprod.extensions import db
from ecoprod.orders.models import Order, OrderState
from ecoprod.panels import Panel

SHOWN_IN = frozenset(
    {
        OrderState.IN_PRODUCTION,
        OrderState.READY,
        OrderState.PARTIALLY_DELIVERED,
        OrderState.DELIVERED,
        OrderState.INVOICED,
        OrderState.CLOSED,
    }
)


def order_panel(order: Order, user: User) -> Panel | None:
    if order.state not in SHOWN_IN:
        return None
    notes = db.session.scalars(
        access.visible_notes(user).where(DeliveryNote.order_id == order.id).order_by(DeliveryNote.id)
    ).all()
    return Panel(
        "delivery/_order_panel.html",
        {
            "order": order,
            "delivery_notes": notes,
            "delivered": services.delivered_quantities(order),
            "can_deliver": access.can_deliver(user, order),
        },
    )
