"""Who sees and does what with an order. Every order view and list goes through here.

The school boundary is enforced by the tenant scope (``ecoprod.tenancy``); this module adds
the rules inside a school: a customer sees only their own company's orders, staff never
see a customer's unsent drafts, a master works on the requests of their trades.
"""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import abort

from ecoprod.accounts.models import User
from ecoprod.extensions import db
from ecoprod.orders.models import Attachment, Order, OrderLine, OrderState
from ecoprod.workshops.models import Workshop, workshop_masters

CUSTOMER_CANCELLABLE = frozenset({OrderState.DRAFT, OrderState.SUBMITTED, OrderState.QUOTED})
STAFF_CANCELLABLE = frozenset(
    {OrderState.SUBMITTED, OrderState.QUOTED, OrderState.ACCEPTED, OrderState.PLANNED}
)


# Only what the customer has sent: a draft cancelled before sending stays private. Built
# once (statements never change once built): every staff page of orders starts from it.
_SENT = sa.select(Order).where(Order.submitted_at.is_not(None))


def visible_orders(user: User) -> sa.Select[tuple[Order]]:
    if user.is_customer:
        return sa.select(Order).where(Order.customer_id == user.customer_id)
    if user.is_staff:
        return _SENT
    return sa.select(Order).where(sa.false())


def _master_trades(master_id: int) -> sa.Select[tuple[str]]:
    return (
        sa.select(Workshop.trade)
        .join(workshop_masters, workshop_masters.c.workshop_id == Workshop.id)
        .where(workshop_masters.c.user_id == master_id, Workshop.archived_at.is_(None))
    )


def for_trades_of(master_id: int) -> sa.ColumnElement[bool]:
    """Orders with at least one line in one of the master's workshop trades.

    A correlated ``EXISTS`` answered by the (order_id, trade) index: a page of the inbox
    stops after its matches instead of first collecting every line of those trades.
    """
    return sa.exists(
        sa.select(OrderLine.id).where(
            OrderLine.order_id == Order.id, OrderLine.trade.in_(_master_trades(master_id))
        )
    )


def inbox(user: User) -> sa.Select[tuple[Order]]:
    """Submitted requests waiting for the school: all for admins, their trades for masters."""
    if not user.is_staff:
        return visible_orders(user).where(Order.state == OrderState.SUBMITTED)
    return _staff_inbox(user.id if user.is_master else None)


@functools.lru_cache(maxsize=1024)
def _staff_inbox(master_id: int | None) -> sa.Select[tuple[Order]]:
    """Built once per master (``None``: once for the admins): the inbox is the page masters
    keep open, and its statement costs more to build than to run. The trades are read by
    the statement each time, so a workshop that changes hands changes the inbox at once."""
    stmt = _SENT.where(Order.state == OrderState.SUBMITTED)
    return stmt if master_id is None else stmt.where(for_trades_of(master_id))


def load_order_or_404(order_id: int, user: User) -> Order:
    """The order if this user may see it; otherwise 404, which says nothing of its existence."""
    order = db.session.scalars(visible_orders(user).where(Order.id == order_id)).one_or_none()
    if order is None:
        abort(404)
    return order


def load_attachment_or_404(order_id: int, attachment_id: int, user: User) -> Attachment:
    """A drawing of an order this user may see; otherwise 404."""
    order = load_order_or_404(order_id, user)
    attachment = db.session.scalars(
        sa.select(Attachment).where(Attachment.id == attachment_id, Attachment.order_id == order.id)
    ).one_or_none()
    if attachment is None:
        abort(404)
    return attachment


def is_master_of(user: User, order: Order) -> bool:
    if not user.is_master:
        return False
    trades = set(db.session.scalars(_master_trades(user.id)))
    return any(line.trade in trades for line in order.lines)


def can_edit(user: User, order: Order) -> bool:
    return user.is_customer and order.customer_id == user.customer_id and order.state is OrderState.DRAFT


def can_submit(user: User, order: Order) -> bool:
    return can_edit(user, order)


REORDERABLE = frozenset({OrderState.DELIVERED, OrderState.INVOICED, OrderState.CLOSED})


def can_reorder(user: User, order: Order) -> bool:
    """The customer orders the same again once it was delivered; the school's staff do it for
    them (a phone call: "the same as last term")."""
    if order.state not in REORDERABLE:
        return False
    if user.is_customer:
        return order.customer_id == user.customer_id
    return user.is_admin or is_master_of(user, order)


def can_cancel(user: User, order: Order) -> bool:
    if user.is_customer:
        return order.customer_id == user.customer_id and order.state in CUSTOMER_CANCELLABLE
    return user.is_admin and order.state in STAFF_CANCELLABLE


def can_decline(user: User, order: Order) -> bool:
    if order.state not in (OrderState.SUBMITTED, OrderState.QUOTED):
        return False
    return user.is_admin or is_master_of(user, order)
