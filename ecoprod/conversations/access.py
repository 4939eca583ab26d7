"""Who reads and writes an order's conversation, and who opens a message's file.

The order's own rule comes first (``orders.access``: a customer their company's orders,
staff what customers have sent, never another school's): an order one may not see has no
conversation one may see (404). Inside it, a customer reads what is not internal; the
school's staff read everything and alone may write internal notes. Students and the
platform operator have no conversation at all.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from ecoprod.accounts.models import User
from ecoprod.conversations.models import MessageFile, OrderMessage
from ecoprod.extensions import db
from ecoprod.orders import access as orders_access
from ecoprod.orders.models import Order


def reads_internal(user: User) -> bool:
    return user.is_staff


def visible_messages(user: User) -> sa.Select[tuple[OrderMessage]]:
    """The messages ``user`` may read, on the orders they may see that were sent."""
    if not (user.is_customer or user.is_staff):
        return sa.select(OrderMessage).where(sa.false())
    orders = orders_access.visible_orders(user).where(Order.submitted_at.is_not(None))
    stmt = sa.select(OrderMessage).where(OrderMessage.order_id.in_(orders.with_only_columns(Order.id)))
    return stmt if reads_internal(user) else stmt.where(OrderMessage.internal.is_(False))


def has_conversation(order: Order) -> bool:
    """A draft has none: the school does not see it yet."""
    return order.submitted_at is not None


def load_conversation_or_404(order_id: int, user: User) -> Order:
    """The order whose conversation ``user`` may read; 404 otherwise, saying nothing."""
    order = orders_access.load_order_or_404(order_id, user)
    if not has_conversation(order) or not (user.is_customer or user.is_staff):
        abort(404)
    return order


def can_post(user: User, order: Order) -> bool:
    if not has_conversation(order):
        return False
    return user.is_staff or (user.is_customer and order.customer_id == user.customer_id)


def can_write_internal(user: User) -> bool:
    return user.is_staff


def load_file_or_404(order_id: int, message_id: int, file_id: int, user: User) -> MessageFile:
    """A file of a message ``user`` may read, on this order; 404 for anything else (an
    internal note's file for a customer above all)."""
    order = load_conversation_or_404(order_id, user)
    found = db.session.scalars(
        sa.select(MessageFile)
        .join(OrderMessage, OrderMessage.id == MessageFile.message_id)
        .where(
            MessageFile.id == file_id,
            OrderMessage.id == message_id,
            OrderMessage.order_id == order.id,
            sa.true() if reads_internal(user) else OrderMessage.internal.is_(False),
        )
    ).one_or_none()
    if found is None:
        abort(404)
    return found
