"""What quotes show on other pages: the order's quote history."""

from __future__ import annotations

from ecoprod.accounts.models import User
from ecoprod.orders.models import Order, OrderState
from ecoprod.panels import Panel
from ecoprod.quotes import access, services
from ecoprod.quotes.models import QuoteState


def order_panel(order: Order, user: User) -> Panel | None:
    quotes = [q for q in services.history(order) if q.state is not QuoteState.DRAFT or user.is_staff]
    can_quote = access.can_quote(user, order) and order.state is OrderState.SUBMITTED
    if not quotes and not can_quote:
        return None
    previous = services.previous_accepted_quote(order) if can_quote and order.reorder_of_id else None
    return Panel(
        "quotes/_order_panel.html",
        {"order": order, "quotes": quotes, "can_quote": can_quote, "previous": previous},
    )
