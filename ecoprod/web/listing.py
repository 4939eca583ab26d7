"""Lists with search, the same way on every screen (pages: ``web.keyset``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ecoprod.params import flag_arg


def search_filter(query: str | None, *columns: Any) -> sa.ColumnElement[bool] | None:
    """Every word of ``query`` must appear (case-insensitively) in one of ``columns``."""
    words = (query or "").split()[:5]
    if not words:
        return None
    return sa.and_(
        *(sa.or_(*(column.icontains(word, autoescape=True) for column in columns)) for word in words)
    )


def apply_search(stmt: sa.Select[Any], query: str | None, *columns: Any) -> sa.Select[Any]:
    condition = search_filter(query, *columns)
    return stmt if condition is None else stmt.where(condition)


def show_archived() -> bool:
    return flag_arg("archived")
