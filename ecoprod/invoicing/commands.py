"""``flask invoices …``: reminders for overdue invoices, the sales journal for a period."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ecoprod.deferred import run_committed
from ecoprod.extensions import db
from ecoprod.invoicing import services

invoices_cli = AppGroup("invoices", help="Invoices.")


@invoices_cli.command("remind")
def remind() -> None:
    """E-mail a reminder for every overdue invoice (at most one a day each); run daily."""
    count = services.remind_all()
    db.session.commit()
    run_committed()
    click.echo(f"{count} reminder(s) queued")
