"""One school's data, for a school that leaves the network: every row that is the school's
(its ``school_id``, or a link between two of its rows), its stored documents with them, and
its uploads — as an archive ``flask restore`` loads into a new, empty instance of its own.

Rows travel as JSON lines, one file per table, through the tables' own column types (money
as decimals, instants in UTC, enums by value), so the export of a PostgreSQL instance loads
into SQLite and back. Nothing of another school is read: each table's rows are selected by
the school's id, or, for a table of links without one, by the ids of the school's rows it
links.
"""

from __future__ import annotations

import base64
import enum
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ecoprod.backup.archive import BackupError

DATA = "database/rows"  # database/rows/<table>.jsonl


def _bound_tables(metadata: sa.MetaData) -> dict[str, sa.Table]:
    """The tables that hold a school's rows: ``schools``, those with a ``school_id``, and
    those whose every foreign key leads to one of these (links between a school's rows)."""
    bound: dict[str, sa.Table] = {}
    for table in metadata.sorted_tables:
        own = table.name == "schools" or "school_id" in table.c
        links = bool(table.foreign_keys) and all(fk.column.table.name in bound for fk in table.foreign_keys)
        if own or links:
            bound[table.name] = table
    return bound


def _rows_of(table: sa.Table, school_id: int, bound: dict[str, sa.Table]) -> sa.Select[Any]:
    if table.name == "schools":
        return sa.select(table).where(table.c.id == school_id)
    if "school_id" in table.c:
        return sa.select(table).where(table.c.school_id == school_id)
    stmt = sa.select(table)
    for fk in table.foreign_keys:
        target = bound[fk.column.table.name]
        ids = _rows_of(target, school_id, bound).with_only_columns(fk.column)
        stmt = stmt.where(sa.or_(fk.parent.is_(None), fk.parent.in_(ids)))
    return stmt


def _encode(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if isinstance(value, bytes | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode()}
    return value


_DECODERS = {
    "$decimal": Decimal,
    "$datetime": datetime.fromisoformat,
    "$date": date.fromisoformat,
    "$time": time.fromisoformat,
    "$bytes": base64.b64decode,
}


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((tag, raw),) = value.items()
        if tag in _DECODERS:
            return _DECODERS[tag](raw)
    return value


def export_rows(
    connection: sa.Connection, metadata: sa.MetaData, school_id: int, folder: Path
) -> dict[str, int]:
    """Write the school's rows, one ``<table>.jsonl`` per table; the rows per table."""
    bound = _bound_tables(metadata)
    counts: dict[str, int] = {}
    for name, table in bound.items():
        n = 0
        with (folder / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for row in connection.execute(_rows_of(table, school_id, bound)):
                out.write(json.dumps({k: _encode(v) for k, v in row._mapping.items()}) + "\n")
                n += 1
        counts[name] = n
    return counts


def _read(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            yield {k: _decode(v) for k, v in json.loads(line).items()}


def import_rows(connection: sa.Connection, metadata: sa.MetaData, folder: Path) -> dict[str, int]:
    """Insert the rows of ``export_rows`` (tables in the order their keys need), in the
    caller's transaction; on PostgreSQL, each id sequence then starts after the last id.

    The triggers that freeze issued documents would refuse the lines of an invoice already
    issued: they are set aside while the rows go in (as ``pg_restore`` creates them after
    the data), in the same transaction, and are back before it commits."""
    with _triggers_set_aside(connection, metadata):
        return _insert_rows(connection, metadata, folder)


@contextmanager
def _triggers_set_aside(connection: sa.Connection, metadata: sa.MetaData) -> Iterator[None]:
    if connection.dialect.name == "postgresql":
        names = [t.name for t in metadata.sorted_tables]
        for name in names:
            connection.execute(sa.text(f'ALTER TABLE "{name}" DISABLE TRIGGER USER'))
        yield
        for name in names:
            connection.execute(sa.text(f'ALTER TABLE "{name}" ENABLE TRIGGER USER'))
        return
    triggers = connection.execute(sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
    for name, _sql in triggers:
        connection.execute(sa.text(f'DROP TRIGGER "{name}"'))
    yield
    for _name, sql in triggers:
        connection.execute(sa.text(sql))


def _insert_rows(connection: sa.Connection, metadata: sa.MetaData, folder: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in metadata.sorted_tables:
        path = folder / f"{table.name}.jsonl"
        if not path.exists():
            continue
        batch: list[dict[str, Any]] = []
        n = 0
        for row in _read(path):
            unknown = set(row) - set(table.c.keys())
            if unknown:
                raise BackupError(
                    f"{table.name} rows carry columns this release does not have: {sorted(unknown)}."
                )
            batch.append(row)
            if len(batch) == 1000:
                connection.execute(sa.insert(table), batch)
                n += len(batch)
                batch = []
        if batch:
            connection.execute(sa.insert(table), batch)
            n += len(batch)
        counts[table.name] = n
        if connection.dialect.name == "postgresql" and "id" in table.c and n:
            last = sa.select(sa.func.max(table.c.id)).scalar_subquery()
            sequence = sa.func.pg_get_serial_sequence(table.name, "id")
            connection.execute(sa.select(sa.func.setval(sequence, last)))
    return counts
