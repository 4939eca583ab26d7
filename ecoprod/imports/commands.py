"""``flask import KIND FILE --school SLUG``: the same import as the page, from a shell."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa

from ecoprod.accounts.models import Role, User
from ecoprod.errors import ActionRefused
from ecoprod.extensions import db
from ecoprod.imports import services
from ecoprod.imports.kinds import KINDS
from ecoprod.imports.rules import Preview
from ecoprod.schools.models import School
from ecoprod.tenancy import scoped_to


@click.command("import")
@click.argument("kind", type=click.Choice(sorted(KINDS)))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--school", "slug", required=True, help="The school's slug.")
@click.option("--only-valid", is_flag=True, help="Import the rows without problems, leave the others out.")
@click.option("--dry-run", is_flag=True, help="Check the file and say what would be done; save nothing.")
def import_command(kind: str, path: Path, slug: str, only_valid: bool, dry_run: bool) -> None:
    """Import customers, students, machines or competences from a CSV or XLSX file."""
    school = db.session.scalar(sa.select(School).where(School.slug == slug))
    if school is None:
        raise click.ClickException(f"no school with the slug {slug!r}")
    with scoped_to(db.session, school.id):
        admin = db.session.scalar(
            sa.select(User)
            .where(User.school_id == school.id, User.role == Role.ADMIN)
            .order_by(User.id)
            .limit(1)
        )
        if admin is None:
            raise click.ClickException("the school has no administrator to record the import under")
        try:
            batch = services.upload(school.id, admin.id, kind, path.name, path.read_bytes())
            if dry_run:
                _report(services.preview(batch))
                db.session.rollback()
                return
            try:
                _report(services.apply(batch, only_valid=only_valid))
            except services.ProblemRows as exc:
                _report(exc.preview)
                raise
        except ActionRefused as exc:
            db.session.rollback()
            raise click.ClickException(" ".join(str(reason) for reason in exc.reasons)) from exc
        db.session.commit()
        click.echo(
            f"imported: {batch.rows_created} created, {batch.rows_updated} updated, {batch.rows_skipped} left out"
        )


def _report(result: Preview) -> None:
    for row in result.errors:
        for title, message in row.problems:
            click.echo(f"line {row.line}: {title}: {message}" if title else f"line {row.line}: {message}")
    click.echo(
        f"{len(result.rows)} row(s): {result.count('create')} to create, "
        f"{result.count('update')} to update, {len(result.errors)} with problems"
    )
