"""The declarative base, the column types every domain shares, and small mixins.

Money and quantities are ``Decimal`` in Python and scaled integers in the database, so
that SQLite and PostgreSQL store them exactly and alike (SQLite has no decimal type).
Datetimes are stored in UTC and always come back timezone-aware.
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, composite, mapped_column

from ecoprod.text import NOT_IN_A_LINE, one_line

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A datetime stored in UTC; naive values are refused rather than guessed."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give a timezone (UTC is stored)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Line(sa.types.TypeDecorator[str]):
    """A single-line text column (``sa.String``): a line break or control character that
    reached it other than through a form (which refuses them beside the field) becomes a
    space on the way in, so no stored name, reference or label can split an export row or
    add lines to an e-mail. Multi-line texts are ``sa.Text`` columns."""

    impl = sa.String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: sa.Dialect) -> str | None:
        if value is None or NOT_IN_A_LINE.search(value) is None:
            return value
        return one_line(value)


class ScaledDecimal(sa.types.TypeDecorator[Decimal]):
    """A Decimal with a fixed number of places, stored as an integer (cents for money).

    Values with more places are rounded half-up; the database never sees a float.
    """

    impl = sa.BigInteger
    cache_ok = True

    def __init__(self, places: int = 2) -> None:
        super().__init__()
        self.places = places
        self._quantum = Decimal(1).scaleb(-places)

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> int | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            if isinstance(value, float):
                raise TypeError("floats are not accepted for decimal amounts")
            value = Decimal(value)
        return int(value.quantize(self._quantum, rounding=ROUND_HALF_UP).scaleb(self.places))

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(int(value)).scaleb(-self.places).quantize(self._quantum)

    def copy(self, **kw: Any) -> ScaledDecimal:
        return ScaledDecimal(self.places)


def enum_type(enum_cls: type[enum.Enum], length: int = 30) -> sa.Enum:
    """Store an enum by its value as a short string (portable, readable in SQL)."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def Money() -> ScaledDecimal:  # noqa: N802 - reads as a column type
    """Euros with cents."""
    return ScaledDecimal(2)


def Quantity() -> ScaledDecimal:  # noqa: N802 - reads as a column type
    """Quantities to the thousandth (kg, m, pieces)."""
    return ScaledDecimal(3)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ArchivableMixin:
    """Reference data is archived, never deleted: old orders still point at it."""

    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


@dataclasses.dataclass
class Address:
    """A postal address, embedded as columns in the rows that have one."""

    line1: str | None = None
    line2: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None

    def lines(self) -> list[str]:
        """The address as printed on an envelope, without empty lines."""
        city = " ".join(part for part in (self.postal_code, self.city) if part)
        country = self.country if self.country and self.country.upper() != "FR" else None
        return [line for line in (self.line1, self.line2, city, country) if line]

    def is_empty(self) -> bool:
        return not any((self.line1, self.line2, self.postal_code, self.city))


def address_columns(prefix: str) -> Any:
    """A composite ``Address`` made of ``<prefix>_line1`` … ``<prefix>_country`` columns."""
    return composite(
        Address,
        mapped_column(f"{prefix}_line1", Line(200)),
        mapped_column(f"{prefix}_line2", Line(200)),
        mapped_column(f"{prefix}_postal_code", Line(20)),
        mapped_column(f"{prefix}_city", Line(120)),
        mapped_column(f"{prefix}_country", Line(2), default="FR"),
    )


@sa.event.listens_for(sa.Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite: enforce foreign keys, let readers run beside a writer, wait for locks."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


# Indexes only PostgreSQL has (pg_trgm, migration 0015): no model declares them, so the
# comparison of models and migrations leaves them out (``include_object``).
POSTGRESQL_ONLY_INDEX_PREFIX = "ix_trgm_"


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    return not (type_ == "index" and (name or "").startswith(POSTGRESQL_ONLY_INDEX_PREFIX))


# --- Faults of the database server ------------------------------------------------------
# What a page can tell its user when the database, not the request, is at fault: its disk
# refused a write, or it cannot be reached for a moment (restarting, too many connections).

_SQLITE_FULL, _SQLITE_IOERR, _SQLITE_BUSY, _SQLITE_LOCKED = 13, 10, 5, 6
_UNREACHABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")


def fault_of(error: BaseException) -> str | None:
    """``"disk_full"``, ``"unavailable"`` or None (a fault of the request or of the code)."""
    if not isinstance(error, sa.exc.DBAPIError):
        return None
    orig = error.orig
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        primary = code & 0xFF  # extended result codes keep the primary one in the low byte
        if primary in (_SQLITE_FULL, _SQLITE_IOERR):
            return "disk_full"
        return "unavailable" if primary in (_SQLITE_BUSY, _SQLITE_LOCKED) else None
    sqlstate = getattr(orig, "sqlstate", None) or ""
    if sqlstate == "53100":  # disk_full: "could not extend file …: No space left on device"
        return "disk_full"
    if error.connection_invalidated or sqlstate.startswith(_UNREACHABLE_SQLSTATES):
        return "unavailable"
    if isinstance(error, sa.exc.OperationalError) and not sqlstate:
        return "unavailable"  # no answer at all: refused, reset or timed out connections
    return None
