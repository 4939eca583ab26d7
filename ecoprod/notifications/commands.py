"""``flask outbox …``: deliver what is waiting, retry what failed."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from ecoprod.extensions import db
from ecoprod.notifications.models import OutboxEmail
from ecoprod.notifications.outbox import deliver_ids, pending_ids

outbox_cli = AppGroup("outbox", help="E-mail outbox.")


@outbox_cli.command("send")
@click.option("--limit", default=500, show_default=True, help="At most this many e-mails.")
@click.option(
    "--due-only", is_flag=True, help="Only failures whose backoff has run out (as the worker's sweep)."
)
def send(limit: int, due_only: bool) -> None:
    """Send queued e-mails and retry failed ones now."""
    sent, failed = deliver_ids(pending_ids(limit, due_only=due_only))
    click.echo(f"{sent} sent, {failed} failed")
    if failed:
        raise SystemExit(1)


@outbox_cli.command("status")
def status() -> None:
    """Count e-mails by status."""
    rows = db.session.execute(
        sa.select(OutboxEmail.status, sa.func.count()).group_by(OutboxEmail.status)
    ).all()
    for state, count in rows:
        click.echo(f"{state.value}: {count}")
