"""The demo's messages: a conversation on one request still being quoted (an internal
note among the staff included), and an unanswered question on another."""

from __future__ import annotations

import sqlalchemy as sa

from ecoprod.accounts.models import User
from ecoprod.conversations import services as conversations
from ecoprod.demo.data.requests import CONVERSATION, UNANSWERED
from ecoprod.extensions import db
from ecoprod.orders.models import Order, OrderState
from ecoprod.orders.services import staff_concerned
from ecoprod.tenancy import scoped_to


def seed_conversations(school_id: int) -> None:
    with scoped_to(db.session, school_id):
        waiting = list(
            db.session.scalars(
                sa.select(Order)
                .where(
                    Order.school_id == school_id, Order.state.in_((OrderState.SUBMITTED, OrderState.QUOTED))
                )
                .order_by(Order.submitted_at, Order.id)
                .limit(2)
            )
        )
        if not waiting:
            return
        talked, *rest = waiting
        people: dict[str, User] = {"customer": talked.created_by, "master": staff_concerned(talked)[0]}
        for who, internal, text in CONVERSATION:
            conversations.post(talked, people[who], conversations.MessageInput(text, internal=internal))
        for order in rest:
            conversations.post(order, order.created_by, conversations.MessageInput(UNANSWERED))
        db.session.flush()
