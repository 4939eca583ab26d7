"""Delivery notes through the delivery services."""

from __future__ import annotations

from decimal import Decimal

from ecoprod.delivery import services as delivery
from ecoprod.extensions import db
from ecoprod.orders.models import Order
from ecoprod.tenancy import scoped_to
from tests.factories.reference import World


def deliver(world: World, order: Order, quantity: str) -> None:
    """A delivery note for ``quantity`` of the order's first line."""
    with scoped_to(db.session, world.school.id):
        delivery.issue(order, {order.lines[0].id: Decimal(quantity)}, world.admin)
        db.session.commit()
