"""Document numbers: one gap-free counter per school, series and year.

The next number is drawn by an ``UPDATE … RETURNING`` on the counter row, inside the
caller's transaction: the row stays locked until that transaction ends, so concurrent
callers queue up, and a rollback gives the number back. Nothing is ever skipped.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from ecoprod.database import Line
from ecoprod.extensions import db
from ecoprod.tenancy import TenantMixin


class SequenceCounter(TenantMixin, db.Model):
    __tablename__ = "sequence_counters"
    __table_args__ = (sa.UniqueConstraint("school_id", "series", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(Line(20))
    year: Mapped[int]
    last_value: Mapped[int] = mapped_column(default=0)


def _insert_counter(session: Session, school_id: int, series: str, year: int) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(SequenceCounter).values(school_id=school_id, series=series, year=year, last_value=0)
    session.execute(stmt.on_conflict_do_nothing(index_elements=["school_id", "series", "year"]))


def next_value(session: Session, school_id: int, series: str, year: int) -> int:
    """Draw the next integer of the series; it is final only if the caller commits."""
    draw = (
        sa.update(SequenceCounter)
        .where(
            SequenceCounter.school_id == school_id,
            SequenceCounter.series == series,
            SequenceCounter.year == year,
        )
        .values(last_value=SequenceCounter.last_value + 1)
        .returning(SequenceCounter.last_value)
        .execution_options(synchronize_session=False)
    )
    value = session.execute(draw).scalar_one_or_none()
    if value is None:
        _insert_counter(session, school_id, series, year)
        value = session.execute(draw).scalar_one()
    return value


def format_number(prefix: str, year: int, value: int) -> str:
    return f"{prefix}-{year}-{value:04d}"


def next_number(session: Session, school_id: int, prefix: str, year: int) -> str:
    """``DEV-2026-0007``: the prefix is also the series."""
    return format_number(prefix, year, next_value(session, school_id, prefix, year))


@contextlib.contextmanager
def numbered_issue(session: Session) -> Iterator[None]:
    """Queue the writers that draw a number and then render before committing.

    PostgreSQL queues them on the counter row's lock. SQLite has one writer at a time and
    others poll for the lock until ``busy_timeout``: with many writers each holding it for
    a PDF render, an unlucky one can lose every poll and fail with "database is locked".
    There, the writers of every process and thread wait in turn on an ``flock`` of a file
    next to the database, which the kernel hands over without a time limit; the database
    lock itself is then only ever awaited for the commit of the writer just before.
    """
    url = session.get_bind().url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        yield
        return
    with Path(f"{url.database}.issue-lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
