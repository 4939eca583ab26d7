"""The order's state machine: which moves exist, and the one function that makes them.

The whole lifecycle of PRODUCT.md is declared here so later features only add actions;
today's actions (submit, decline, cancel) are in ``orders.services``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecoprod.database import utcnow
from ecoprod.orders.models import Order, OrderEvent, OrderState

if TYPE_CHECKING:
    from ecoprod.accounts.models import User

S = OrderState

TRANSITIONS: dict[OrderState, frozenset[OrderState]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.CANCELLED}),
    S.SUBMITTED: frozenset({S.QUOTED, S.DECLINED, S.CANCELLED}),
    S.QUOTED: frozenset({S.ACCEPTED, S.DECLINED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.PLANNED, S.CANCELLED}),
    S.PLANNED: frozenset({S.IN_PRODUCTION, S.ACCEPTED, S.CANCELLED}),
    S.IN_PRODUCTION: frozenset({S.READY, S.PARTIALLY_DELIVERED}),  # part leaves, the rest is being made
    S.READY: frozenset({S.PARTIALLY_DELIVERED, S.DELIVERED}),
    S.PARTIALLY_DELIVERED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset({S.INVOICED}),
    S.INVOICED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
    S.DECLINED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Side exits must say why.
REASON_REQUIRED = frozenset({S.DECLINED, S.CANCELLED})


class IllegalTransition(ValueError):
    def __init__(self, order: Order, to: OrderState, message: str | None = None) -> None:
        self.order = order
        self.to = to
        super().__init__(message or f"{order.state.value} → {to.value} is not allowed")


def can_move(state: OrderState, to: OrderState) -> bool:
    return to in TRANSITIONS[state]


def record_creation(order: Order, actor: User | None) -> OrderEvent:
    event = OrderEvent(school_id=order.school_id, from_state=None, to_state=order.state, actor=actor)
    order.events.append(event)
    return event


def transition(order: Order, to: OrderState, actor: User | None, reason: str | None = None) -> OrderEvent:
    """Move ``order`` to ``to`` and record who did it, or raise ``IllegalTransition``."""
    if not can_move(order.state, to):
        raise IllegalTransition(order, to)
    reason = (reason or "").strip() or None
    if to in REASON_REQUIRED and not reason:
        raise IllegalTransition(order, to, f"a reason is required to move to {to.value}")
    event = OrderEvent(
        school_id=order.school_id,
        from_state=order.state,
        to_state=to,
        actor=actor,
        at=utcnow(),
        reason=reason,
    )
    order.state = to
    order.events.append(event)
    return event
