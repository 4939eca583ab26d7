"""The worker's daily look at firm orders at risk of being late (``flask planning check-late``)."""

from __future__ import annotations

from ecoprod.extensions import db
from ecoprod.jobs import daily_at, periodic
from ecoprod.planning import services


@periodic(daily_at(5, 0))
def check_late_orders() -> None:
    """Once a day per order at most (the service keeps track), so running it twice is harmless."""
    services.notify_late_orders()
    db.session.commit()
