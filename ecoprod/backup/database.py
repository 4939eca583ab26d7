"""The database half of a backup: a consistent dump and its restore, per engine.

PostgreSQL: ``pg_dump --format=custom`` (one snapshot, whatever runs meanwhile) and
``pg_restore --single-transaction`` (all or nothing). SQLite: the online backup API, which
copies a consistent state of a database in use. The connection settings come from the
application's database URL; a password travels in the environment, never on a command line.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa

from ecoprod.backup.archive import BackupError

DUMP_NAMES = {"postgresql": "database/dump.pgcustom", "sqlite": "database/ecoprod.sqlite3"}


def _libpq(url: sa.URL) -> tuple[list[str], dict[str, str]]:
    """Command-line options and environment for ``pg_dump``/``pg_restore`` from ``url``."""
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    options = [f"--dbname={url.database}"]
    if url.host:
        options.append(f"--host={url.host}")
    if url.port:
        options.append(f"--port={url.port}")
    if url.username:
        options.append(f"--username={url.username}")
    return options, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is needed for PostgreSQL (Debian: apt-get install postgresql-client).")
    return found


def _run(tool: str, url: sa.URL, *arguments: str) -> None:
    """``pg_dump``/``pg_restore`` on the database of ``url``; its error as a ``BackupError``."""
    options, env = _libpq(url)
    done = subprocess.run(  # noqa: S603 - fixed program, options from our own URL
        [_tool(tool), *options, *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise BackupError(f"{tool} failed, nothing was written: {done.stderr.strip()}")


def _copy_sqlite(source_path: Path, target_path: Path) -> None:
    """SQLite's online backup API: a consistent copy, even of a database in use."""
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()


def _sqlite_path(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(url.database)


def dump(engine: sa.Engine, target: Path) -> dict[str, int]:
    """Write a consistent copy of the database to ``target``; the rows per table of that
    same state (on PostgreSQL, ``pg_dump`` reads the snapshot the counts were taken in)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
            snapshot = connection.scalar(sa.text("SELECT pg_export_snapshot()"))
            rows = _counts(connection)
            _run(
                "pg_dump",
                engine.url,
                "--format=custom",
                "--no-owner",
                f"--snapshot={snapshot}",
                f"--file={target}",
            )
        return rows
    if engine.dialect.name == "sqlite":
        _copy_sqlite(_sqlite_path(engine.url), target)
        copied = sa.create_engine(f"sqlite:///{target}")
        try:
            return counts(copied)
        finally:
            copied.dispose()
    raise BackupError(f"Backups of a {engine.dialect.name} database are not supported.")


def load(engine: sa.Engine, dump_file: Path) -> None:
    """Load a dump written by ``dump`` into the (empty) database of ``engine``: all or nothing."""
    if engine.dialect.name == "postgresql":
        _run(
            "pg_restore", engine.url, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
            str(dump_file),
        )  # fmt: skip
    else:
        engine.dispose()
        _copy_sqlite(dump_file, _sqlite_path(engine.url))


def tables(engine: sa.Engine) -> list[str]:
    """The tables of the database (none: it is empty and may receive a restore)."""
    with engine.connect() as connection:
        return sorted(sa.inspect(connection).get_table_names())


def migration_head(engine: sa.Engine) -> str | None:
    with engine.connect() as connection:
        if "alembic_version" not in sa.inspect(connection).get_table_names():
            return None
        return connection.scalar(sa.text("SELECT version_num FROM alembic_version"))


def counts(engine: sa.Engine) -> dict[str, int]:
    """Rows per table, to compare a restored instance with the one backed up."""
    with engine.connect() as connection:
        return _counts(connection)


def _counts(connection: sa.Connection) -> dict[str, int]:
    names = sa.inspect(connection).get_table_names()
    return {
        name: int(connection.scalar(sa.text(f'SELECT count(*) FROM "{name}"')))  # noqa: S608 - names from the catalogue
        for name in sorted(names)
    }
