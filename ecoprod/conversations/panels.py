"""What the conversation shows on the order page (and on its own page): its messages, which
are new to the reader, and the form to write."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from flask import after_this_request
from werkzeug.wrappers import Response

from ecoprod.accounts.models import User
from ecoprod.conversations import access, services
from ecoprod.conversations.forms import MessageForm
from ecoprod.extensions import db
from ecoprod.orders.models import Order
from ecoprod.panels import Panel

log = logging.getLogger(__name__)


def conversation_context(order: Order, reader: User, form: MessageForm | None = None) -> dict[str, Any]:
    """What the conversation shows ``reader``. Once the page is rendered and sent, what it
    showed is marked read: after the rendering, so that the mark's commit expires nothing
    the page still reads; a mark that cannot be written costs the reader nothing but the
    marker."""
    messages = services.thread(order, reader)
    last_read = services.last_read(order, reader)
    newest = messages[-1].id if messages else 0
    if newest > last_read:

        @after_this_request
        def _mark_read(response: Response) -> Response:
            if response.status_code < 400:
                try:
                    services.mark_read(order, reader, newest)
                    db.session.commit()
                except sa.exc.SQLAlchemyError:
                    db.session.rollback()
                    log.warning("the read mark of order %s could not be written", order.id, exc_info=True)
            return response

    return {
        "order": order,
        "messages": messages,
        "last_read": last_read,
        "form": form or MessageForm(),
        "can_post": access.can_post(reader, order),
        "can_write_internal": access.can_write_internal(reader),
    }


def order_panel(order: Order, user: User) -> Panel | None:
    if not access.has_conversation(order) or not (user.is_customer or user.is_staff):
        return None
    return Panel("conversations/_order_panel.html", conversation_context(order, user))
