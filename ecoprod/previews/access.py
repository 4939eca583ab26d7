"""Who sees a preview: whoever may see the file it shows — a drawing through its order
(``orders.access``), a photo as planning decides (``planning.access``). 404 otherwise."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from ecoprod.accounts.models import User
from ecoprod.extensions import db
from ecoprod.orders.access import load_order_or_404
from ecoprod.orders.models import Attachment
from ecoprod.planning.access import load_photo_or_404

__all__ = ["load_drawing_or_404", "load_photo_or_404"]


def load_drawing_or_404(order_id: int, attachment_id: int, user: User) -> Attachment:
    """The drawing of an order this user may see; otherwise 404."""
    order = load_order_or_404(order_id, user)
    attachment = db.session.scalars(
        sa.select(Attachment).where(Attachment.id == attachment_id, Attachment.order_id == order.id)
    ).one_or_none()
    if attachment is None:
        abort(404)
    return attachment
