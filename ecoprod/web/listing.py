"""Lists with search and pagination, the same way on every screen."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination

from ecoprod.extensions import db


def paginate(stmt: sa.Select[Any], per_page: int | None = None) -> Pagination:
    """One COUNT and one page of rows, whatever the size of the table."""
    return db.paginate(
        stmt,
        page=request.args.get("page", 1, type=int),
        per_page=per_page or current_app.config["PAGE_SIZE"],
        max_per_page=100,
        error_out=False,
    )


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
    return request.args.get("archived") == "1"
