"""Who sees and does what with a delivery note: the school's staff, and the customer's
company its own notes; 404 for anything else (it says nothing of its existence)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from ecoprod.accounts.models import User
from ecoprod.delivery.models import DeliveryNote
from ecoprod.delivery.services import DELIVERABLE_STATES
from ecoprod.extensions import db
from ecoprod.orders.models import Order


def visible_notes(user: User) -> sa.Select[tuple[DeliveryNote]]:
    stmt = sa.select(DeliveryNote)
    if user.is_customer:
        return stmt.where(DeliveryNote.customer_id == user.customer_id)
    if user.is_staff:
        return stmt
    return stmt.where(sa.false())


def load_note_or_404(note_id: int, user: User) -> DeliveryNote:
    note = db.session.scalars(visible_notes(user).where(DeliveryNote.id == note_id)).one_or_none()
    if note is None:
        abort(404)
    return note


def can_deliver(user: User, order: Order) -> bool:
    return user.is_admin and order.state in DELIVERABLE_STATES


def can_receive(user: User, note: DeliveryNote) -> bool:
    """The customer confirms the reception online, once."""
    return user.is_customer and note.customer_id == user.customer_id and not note.received


def can_file_scan(user: User, note: DeliveryNote) -> bool:
    return user.is_admin
