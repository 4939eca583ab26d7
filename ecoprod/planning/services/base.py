"""What every planning action shares: the error it refuses with, the orders it works on."""

from __future__ import annotations

from ecoprod.errors import ActionRefused
from ecoprod.orders.models import OrderState

# A partially delivered order may still have work to do on what is left to deliver.


PLANNABLE_ORDER_STATES = frozenset(
    {OrderState.ACCEPTED, OrderState.PLANNED, OrderState.IN_PRODUCTION, OrderState.PARTIALLY_DELIVERED}
)


class PlanningError(ActionRefused):
    """A refused planning action; ``reasons`` are for the user, one per line."""
