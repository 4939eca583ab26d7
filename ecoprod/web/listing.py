"""Lists with search, the same way on every screen (pages: ``web.keyset``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ecoprod.params import flag_arg


def search_filter(query: str | None, *columns: Any) -> sa.ColumnElement[bool] | None:
    """Every word of ``query`` must appear (case-insensitively) in one of ``columns``.

    ``ILIKE '%word%'``: on PostgreSQL the trigram indexes of migration 0015 (``pg_trgm``)
    answer it for the searched columns of orders, quotes, customers and invoices; on SQLite
    it is a plain ``LIKE`` over the school's rows."""
    words = (query or "").split()[:5]
    if not words:
        return None
    return sa.and_(
        *(sa.or_(*(column.ilike(_contains(word), escape="\\") for column in columns)) for word in words)
    )


def _contains(word: str) -> str:
    """``%word%`` with the word's own wildcards taken literally."""
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def apply_search(stmt: sa.Select[Any], query: str | None, *columns: Any) -> sa.Select[Any]:
    condition = search_filter(query, *columns)
    return stmt if condition is None else stmt.where(condition)


def show_archived() -> bool:
    return flag_arg("archived")
