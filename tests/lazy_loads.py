"""The N+1 guard: a page that loads one relationship row by row fails the test that asked for it.

Every lazy load (``ORMExecuteState.lazy_loaded_from``) made while a request is handled is
counted by relationship; once one relationship is loaded for ``LIMIT`` different records
within one request, the page loads it per row, and the test fails with the relationship and
the endpoint. The fix is in the loader (``selectinload``/``joinedload``) or a bulk helper,
not here. Lazy loads outside a request (services called by a test, commands) are free.

Why not ``lazy="raise"`` on every relationship: a detail page legitimately reaches a record's
relationships once; what costs is the same load repeated per row, and that is what this
catches on every request of the suite (access matrix, journeys, browser tests included),
beside the query budgets of ``tests/system/test_query_budget*.py`` that grow the rows.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from flask import Flask, g, has_request_context, request, request_started

LIMIT = 3  # distinct records of one relationship lazily loaded within one request

_lock = threading.Lock()
_found: list[str] = []


def _on_execute(state: sa.orm.ORMExecuteState) -> None:
    if not state.is_select or not has_request_context() or not g.get("_lazy_guard"):
        return
    parent = state.lazy_loaded_from
    if parent is None:
        return
    path = state.loader_strategy_path
    prop = path[-1] if path is not None and len(path) else None
    name = f"{parent.class_.__name__}.{getattr(prop, 'key', '?')}"
    loads: defaultdict[str, set[Any]] = g.setdefault("_lazy_loads", defaultdict(set))
    loads[name].add(parent.identity)
    if len(loads[name]) == LIMIT:
        with _lock:
            _found.append(f"{request.method} {request.path} ({request.endpoint}): {name} loaded row by row")


def _watch_request(sender: Flask, **extra: Any) -> None:
    """Only requests the app dispatches count, not a test's own ``test_request_context``."""
    g._lazy_guard = True


def install() -> None:
    if not sa.event.contains(sa.orm.Session, "do_orm_execute", _on_execute):
        sa.event.listen(sa.orm.Session, "do_orm_execute", _on_execute)
        request_started.connect(_watch_request)


def take() -> list[str]:
    with _lock:
        found = list(_found)
        _found.clear()
    return found
