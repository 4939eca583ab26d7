"""Backing up and restoring the running instance: its database and its file store."""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from ecoprod.backup import database, school
from ecoprod.backup.archive import BackupError, Manifest, Writer, verified_members
from ecoprod.extensions import db


def code_head() -> str | None:
    """The migration this code expects the database at."""
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


def _version() -> str:
    try:
        return metadata.version("ecoprod")
    except metadata.PackageNotFoundError:
        return "unknown"


def _upload_root() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def _manifest(school_slug: str | None = None) -> Manifest:
    engine = db.engine
    return Manifest(
        dialect=engine.dialect.name,
        migration_head=database.migration_head(engine),
        ecoprod_version=_version(),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        school=school_slug,
    )


def _add_uploads(writer: Writer, manifest: Manifest, folder: Path) -> None:
    """Every upload under ``folder`` (the store, or one school's part of it)."""
    if not folder.is_dir():
        return
    root = _upload_root()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".part")):
        try:
            manifest.files.append(writer.add(path, "uploads/" + path.relative_to(root).as_posix()))
        except FileNotFoundError:
            continue  # removed since the listing: its transaction rolled back, or its row went


def backup(output: Path) -> Manifest:
    """Write the instance to ``output``: the database first (one consistent state), then
    every file of the store; the archive appears under its name only once complete."""
    engine = db.engine
    manifest = _manifest()
    writer = Writer(output)
    try:
        with tempfile.TemporaryDirectory(prefix="ecoprod-backup-") as work:
            dump_file = Path(work) / "dump"
            manifest.counts = database.dump(engine, dump_file)
            manifest.database = writer.add(dump_file, database.DUMP_NAMES[engine.dialect.name])
        _add_uploads(writer, manifest, _upload_root())
        writer.finish(manifest)
    except BaseException:
        writer.abort()
        raise
    return manifest


def export_school(output: Path, school_id: int, slug: str) -> Manifest:
    """Write one school's rows and uploads to ``output`` (``school``), read in one snapshot."""
    engine = db.engine
    manifest = _manifest(slug)
    writer = Writer(output)
    try:
        with tempfile.TemporaryDirectory(prefix="ecoprod-school-") as work:
            options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
            with engine.connect().execution_options(**options) as connection, connection.begin():
                manifest.counts = school.export_rows(connection, db.metadata, school_id, Path(work))
            for name in manifest.counts:
                manifest.rows.append(writer.add(Path(work) / f"{name}.jsonl", f"{school.DATA}/{name}.jsonl"))
        _add_uploads(writer, manifest, _upload_root() / str(int(school_id)))
        writer.finish(manifest)
    except BaseException:
        writer.abort()
        raise
    return manifest


def restore(archive: Path) -> Manifest:
    """Restore ``archive`` into this instance's empty database and empty file store.

    Everything is checked first (each file's SHA-256, the migration head, the engine, that
    both are empty); the files are unpacked beside the store, the database loaded in one
    transaction, and only then do the files take their place.
    """
    manifest, members = verified_members(archive)
    engine = db.engine
    expected = code_head()
    if manifest.migration_head != expected:
        raise BackupError(
            f"This backup is of a database at migration {manifest.migration_head or 'none'}; this "
            f"EcoProd expects {expected}. Restore it with the release that made it, then upgrade."
        )
    if manifest.school is None and (manifest.dialect != engine.dialect.name or manifest.database is None):
        raise BackupError(
            f"This backup holds a {manifest.dialect} database; this instance runs on "
            f"{engine.dialect.name}. Restore it onto the same kind of database."
        )
    existing = database.tables(engine)
    if existing:
        raise BackupError(
            f"The database is not empty ({len(existing)} tables, {existing[0]} first): restore "
            "into a new, empty database."
        )
    root = _upload_root()
    if root.exists() and any(root.iterdir()):
        raise BackupError(f"The file store {root} is not empty: restore into an empty folder.")

    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restoring-", dir=root.parent))
    try:
        dump_file = staging / "dump"
        files = staging / "uploads"
        rows = staging / "rows"
        for member, stream in members:
            if member is manifest.database:
                target = dump_file
            elif member.path.startswith("uploads/"):
                target = files / member.path.removeprefix("uploads/")
            else:
                target = rows / member.path.removeprefix(school.DATA + "/")
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as out:
                shutil.copyfileobj(stream, out)
        if manifest.school is None:
            database.load(engine, dump_file)
        else:
            _load_school(engine, rows)
        if files.exists():
            if root.exists():
                root.rmdir()
            files.replace(root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _load_school(engine: sa.Engine, rows: Path) -> None:
    """A school's rows into a new schema at the code's head: all of them or, on a refusal,
    no table left behind."""
    from flask_migrate import upgrade

    upgrade()
    try:
        with engine.begin() as connection:
            school.import_rows(connection, db.metadata, rows)
    except (sa.exc.SQLAlchemyError, BackupError, ValueError) as exc:
        db.session.remove()
        db.drop_all()
        with engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        raise BackupError(f"The school's rows could not be loaded, nothing was kept: {exc}") from exc
