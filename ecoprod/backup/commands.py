"""``flask backup`` and ``flask restore``."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa

from ecoprod.backup.archive import BackupError
from ecoprod.backup.instance import backup, export_school, restore
from ecoprod.extensions import db


@click.command("backup")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The archive to write (a .tar file).")  # fmt: skip
@click.option(
    "--school", "slug", default=None, help="Only this school's data (its slug), for a school that leaves."
)
def backup_command(output: Path, slug: str | None) -> None:
    """Write the database and every stored file to one archive, with a manifest."""
    try:
        if slug is None:
            manifest = backup(output)
        else:
            schools = db.metadata.tables["schools"]
            school_id = db.session.scalar(sa.select(schools.c.id).where(schools.c.slug == slug))
            if school_id is None:
                raise BackupError(f"No school has the slug {slug!r}.")
            manifest = export_school(output, school_id, slug)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{output}: database at migration {manifest.migration_head}, "
        f"{sum(manifest.counts.values())} rows in {len(manifest.counts)} tables, {len(manifest.files)} file(s)."
    )


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(archive: Path) -> None:
    """Restore an archive of ``flask backup`` into an empty database and file store."""
    try:
        manifest = restore(archive)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Restored the backup of {manifest.created_at}: {sum(manifest.counts.values())} rows, "
        f"{len(manifest.files)} file(s)."
    )
