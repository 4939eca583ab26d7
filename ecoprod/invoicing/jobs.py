"""The worker's daily reminders for overdue invoices (``flask invoices remind``) and the
nightly adding-up of the dashboard's closed days."""

from __future__ import annotations

from ecoprod.extensions import db
from ecoprod.invoicing import day_figures, services
from ecoprod.jobs import daily_at, periodic


@periodic(daily_at(6, 0))
def remind_overdue_invoices() -> None:
    """The day after an invoice falls due, then weekly (the service keeps track)."""
    services.remind_all()
    db.session.commit()


@periodic(daily_at(1, 30), at_start=True)
def add_up_closed_days() -> None:
    """Every school's days that are over, added up for the dashboard (``day_figures``); at
    start too, so a worker that was down catches up at once."""
    day_figures.materialise_every_school()
