"""``flask planning …``: the daily check of orders at risk of being late."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ecoprod.deferred import run_committed
from ecoprod.extensions import db
from ecoprod.planning import services

planning_cli = AppGroup("planning", help="Workshop planning.")


@planning_cli.command("check-late")
def check_late() -> None:
    """Flag firm orders whose remaining hours no longer fit before the promised date (run daily)."""
    notified = services.notify_late_orders()
    db.session.commit()
    run_committed()
    click.echo(f"{notified} order(s) at risk notified")
