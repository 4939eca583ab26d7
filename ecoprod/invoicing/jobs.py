"""The worker's daily reminders for overdue invoices (``flask invoices remind``)."""

from __future__ import annotations

from ecoprod.extensions import db
from ecoprod.invoicing import services
from ecoprod.jobs import daily_at, periodic


@periodic(daily_at(6, 0))
def remind_overdue_invoices() -> None:
    """The day after an invoice falls due, then weekly (the service keeps track)."""
    services.remind_all()
    db.session.commit()
