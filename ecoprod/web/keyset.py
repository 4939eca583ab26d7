"""Keyset pagination: a page of rows is "the next ``per_page`` after this one", answered by
an index (school first, then the list's sort keys) however deep the page, instead of an
``OFFSET`` that reads and drops every row before it.

A list names its sort keys (``Key``; the last one unique, usually the id). The links carry
the first or last row's keys as an opaque cursor (``after`` / ``before``) and the page's
number for display; a cursor that does not decode is ignored (first page), and it can only
position a list inside what the access rules already let the user see.
"""

from __future__ import annotations

import base64
import json
import math
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app, request

from ecoprod.extensions import db
from ecoprod.params import int_arg


@dataclass(frozen=True)
class Key:
    """One sort key: the SQL expression, its direction, and how to read it from a row."""

    expression: Any
    descending: bool = False
    value: Callable[[Any], Any] | None = None  # default: the attribute of the same name

    def of(self, item: Any) -> Any:
        return self.value(item) if self.value else getattr(item, self.expression.key)

    def ordering(self, reverse: bool = False) -> Any:
        return self.expression.asc() if self.descending == reverse else self.expression.desc()


def asc(expression: Any, value: Callable[[Any], Any] | None = None) -> Key:
    return Key(expression, False, value)


def desc(expression: Any, value: Callable[[Any], Any] | None = None) -> Key:
    return Key(expression, True, value)


@dataclass
class KeysetPage:
    items: list[Any]
    page: int
    has_prev: bool
    has_next: bool
    total: int | None = None
    per_page: int = 25
    prev_args: dict[str, Any] = field(default_factory=dict)
    next_args: dict[str, Any] = field(default_factory=dict)

    @property
    def pages(self) -> int | None:
        return None if self.total is None else max(1, math.ceil(self.total / self.per_page))


def _encode(values: Sequence[Any]) -> str:
    tagged = []
    for v in values:
        if isinstance(v, datetime):
            tagged.append(["t", v.isoformat()])
        elif isinstance(v, date):
            tagged.append(["d", v.isoformat()])
        elif isinstance(v, bool | int | str) or v is None:
            tagged.append(["v", v])
        else:
            tagged.append(["s", str(v)])
    raw = json.dumps(tagged, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str | None, size: int) -> list[Any] | None:
    if not cursor or len(cursor) > 2000:
        return None
    try:
        tagged = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(tagged, list) or len(tagged) != size:
            return None
        values = []
        for tag, v in tagged:
            if tag == "t":
                values.append(datetime.fromisoformat(v))
            elif tag == "d":
                values.append(date.fromisoformat(v))
            elif tag in ("v", "s") and (v is None or isinstance(v, bool | int | str)):
                values.append(v)
            else:
                return None
        return values
    except (ValueError, TypeError):
        return None


def _beyond(keys: Sequence[Key], values: Sequence[Any], reverse: bool) -> sa.ColumnElement[bool]:
    """Rows after ``values`` in the list's order (before them when ``reverse``)."""

    def step(key: Key, value: Any) -> sa.ColumnElement[bool]:
        later = key.descending != reverse
        return key.expression < value if later else key.expression > value

    if len({k.descending for k in keys}) == 1:  # one row-value comparison, answered by the index
        left = sa.tuple_(*(k.expression for k in keys))
        right = sa.tuple_(
            *(sa.literal(v, type_=k.expression.type) for k, v in zip(keys, values, strict=True))
        )
        later = keys[0].descending != reverse
        return left < right if later else left > right
    clauses = []
    for i, (key, value) in enumerate(zip(keys, values, strict=True)):
        equal = [k.expression == v for k, v in zip(keys[:i], values[:i], strict=True)]
        clauses.append(sa.and_(*equal, step(key, value)))
    return sa.or_(*clauses)


class _Built:
    """A list's first page and its count, built once for each statement (see ``_built``)."""

    def __init__(self, stmt: sa.Select[Any], keys: Sequence[Key], per_page: int) -> None:
        unordered = stmt.order_by(None)
        self.first = unordered.order_by(*(k.ordering() for k in keys)).limit(per_page + 1)
        self.count = sa.select(sa.func.count()).select_from(unordered.subquery())


# Statement → {(its sort and page size) → its first page and count}: a list whose statement is
# built once (at import, or cached per user) is then asked with the same statements at each
# request, whose cache keys SQLAlchemy computed once (and tenancy scoped once per school).
_BUILT: weakref.WeakKeyDictionary[sa.Select[Any], dict[Any, _Built]] = weakref.WeakKeyDictionary()


def _built(stmt: sa.Select[Any], keys: Sequence[Key], per_page: int) -> _Built:
    variants = _BUILT.get(stmt)
    if variants is None:
        variants = _BUILT[stmt] = {}
    shape = (per_page, *((k.expression, k.descending) for k in keys))
    built = variants.get(shape)
    if built is None:
        if len(variants) >= 8:  # sort keys made at each request: keep a few
            variants.clear()
        built = variants[shape] = _Built(stmt, keys, per_page)
    return built


def keyset(
    stmt: sa.Select[Any], *keys: Key, per_page: int | None = None, count: bool = True, rows: bool = False
) -> KeysetPage:
    """One page of ``stmt`` in the order of ``keys`` (and its total, unless ``count`` is off);
    of its records, or of its plain rows when ``rows`` (a statement of columns)."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    after = _decode(request.args.get("after"), len(keys))
    before = None if after else _decode(request.args.get("before"), len(keys))
    number = int_arg("page", 1) if (after or before) else 1
    reverse = before is not None
    if after or before:
        query = stmt.order_by(None).where(_beyond(keys, after or before, reverse=reverse))
        query = query.order_by(*(k.ordering(reverse) for k in keys)).limit(per_page + 1)
    else:
        query = _built(stmt, keys, per_page).first
    items = db.session.execute(query).all() if rows else db.session.scalars(query).unique().all()
    more = len(items) > per_page
    items = items[:per_page]
    if reverse:
        items.reverse()
    has_prev = more if reverse else after is not None
    has_next = True if reverse else more
    total = None
    if count:
        total = db.session.scalar(_built(stmt, keys, per_page).count)
    page = KeysetPage(items, number, has_prev and bool(items), has_next and bool(items), total, per_page)
    if items:
        page.prev_args = {"before": _encode([k.of(items[0]) for k in keys]), "page": max(1, number - 1)}
        page.next_args = {"after": _encode([k.of(items[-1]) for k in keys]), "page": number + 1}
    return page
