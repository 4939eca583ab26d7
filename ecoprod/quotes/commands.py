"""``flask quotes …``: expire what is past its validity, render PDFs still waiting."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ecoprod.extensions import db
from ecoprod.quotes import jobs

quotes_cli = AppGroup("quotes", help="Quotes.")


@quotes_cli.command("expire")
def expire() -> None:
    """Mark sent quotes past their validity date as expired."""
    count = jobs.expire_due()
    db.session.commit()
    click.echo(f"{count} quote(s) expired")


@quotes_cli.command("render")
def render() -> None:
    """Render the PDFs of sent quotes that are still waiting (or failed) and e-mail them."""
    failed = 0
    for quote_id in jobs.pending_pdf_ids():
        try:
            jobs.render_pdf_and_notify.call_local(quote_id)
        except Exception as exc:  # recorded on the quote; go on with the others
            failed += 1
            click.echo(f"quote {quote_id}: {exc}", err=True)
    click.echo(f"{failed} failed" if failed else "all rendered")
    if failed:
        raise SystemExit(1)
