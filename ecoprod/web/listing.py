"""Lists with search and pagination, the same way on every screen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_sqlalchemy.pagination import Pagination

from ecoprod.extensions import db
from ecoprod.params import flag_arg, page_arg


def paginate(stmt: sa.Select[Any], per_page: int | None = None) -> Pagination:
    """One COUNT and one page of rows, whatever the size of the table."""
    return db.paginate(
        stmt,
        page=page_arg(),
        per_page=per_page or current_app.config["PAGE_SIZE"],
        max_per_page=100,
        error_out=False,
    )


@dataclass
class Window:
    """A page of rows without a total: one query, ``per_page + 1`` rows to know if more follow.

    For the busiest lists, where counting every matching row would cost more than showing
    a page of them.
    """

    items: list[Any]
    page: int
    has_next: bool
    pages: None = None

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def window(stmt: sa.Select[Any], per_page: int | None = None) -> Window:
    per_page = per_page or current_app.config["PAGE_SIZE"]
    page = page_arg()
    rows = list(db.session.scalars(stmt.limit(per_page + 1).offset((page - 1) * per_page)).unique())
    return Window(rows[:per_page], page, len(rows) > per_page)


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
