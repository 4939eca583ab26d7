"""``flask invoices …``: reminders for overdue invoices, the sales journal for a period, the
dashboard's closed days added up now."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ecoprod.deferred import run_committed
from ecoprod.extensions import db
from ecoprod.invoicing import day_figures, services

invoices_cli = AppGroup("invoices", help="Invoices.")


@invoices_cli.command("remind")
def remind() -> None:
    """E-mail a reminder for every overdue invoice: the day after it falls due, then weekly. Run daily."""
    count = services.remind_all()
    db.session.commit()
    run_committed()
    click.echo(f"{count} reminder(s) queued")


@invoices_cli.command("add-up-days")
def add_up_days() -> None:
    """Add up every school's closed days for the dashboard now (the worker does it nightly)."""
    written = day_figures.materialise_every_school()
    click.echo(f"{len(written)} school(s), {sum(written.values())} day row(s) written")


@invoices_cli.command("journal")
@click.option("--school", "slug", required=True, help="The school's slug.")
@click.option("--year", type=int, required=True)
@click.option("--format", "kind", type=click.Choice(["csv", "fec"]), default="csv", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True)
def journal(slug: str, year: int, kind: str, output: str) -> None:
    """Write a year's sales journal (CSV for the accountant, or FEC layout)."""
    from datetime import date

    import sqlalchemy as sa

    from ecoprod.invoicing import exports
    from ecoprod.schools.models import School
    from ecoprod.tenancy import scoped_to

    school = db.session.scalars(sa.select(School).where(School.slug == slug)).one_or_none()
    if school is None:
        raise click.ClickException(f"no school '{slug}'")
    start, end = date(year, 1, 1), date(year, 12, 31)
    with scoped_to(db.session, school.id):
        total = exports.count_documents(start, end)
        with (
            click.progressbar(length=total, label="Documents") as bar,
            open(output, "w", encoding="utf-8-sig" if kind == "csv" else "utf-8", newline="") as out,
        ):
            rows = (exports.journal_csv if kind == "csv" else exports.fec)(school, start, end, bar.update)
            lines = 0
            for row in rows:
                out.write(row)
                lines += 1
    click.echo(f"{lines - 1} lines written to {output}")
