"""The two answers every domain's ``access.py`` gives, written once: the rows a rule lets a
user see (a ``Select`` for lists) and one record of them (404 for what they may not see, as
for what does not exist). The school boundary is the tenant scope's (``ecoprod.tenancy``)."""

from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa
from flask import abort

from ecoprod.extensions import db

T = TypeVar("T")


def visible_if(allowed: bool, model: type[T]) -> sa.Select[tuple[T]]:
    stmt = sa.select(model)
    return stmt if allowed else stmt.where(sa.false())


def found_if(allowed: bool, model: type[T], record_id: int) -> T:
    record = db.get_or_404(model, record_id)
    if not allowed:
        abort(404)
    return record
