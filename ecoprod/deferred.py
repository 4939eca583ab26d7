"""Work that must wait until the database transaction is committed and the user has their
answer: sending e-mails, rendering PDFs.

``after_commit(session, fn, *args)`` registers a call; it is dropped if the transaction
rolls back. In a request the calls run once the response has been sent (WSGI ``close``),
in a fresh application context; elsewhere (commands, tests) ``run_committed()`` runs them.
Whatever fails stays recorded in the rows it concerns, for the retry commands.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from ecoprod.extensions import db

log = logging.getLogger(__name__)

_PENDING = "deferred_pending"
_COMMITTED = "deferred_committed"

Call = tuple[Callable[..., Any], tuple[Any, ...]]


def after_commit(session: Session, fn: Callable[..., Any], *args: Any) -> None:
    session.info.setdefault(_PENDING, []).append((fn, args))


@event.listens_for(Session, "after_commit")
def _promote(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        session.info.setdefault(_COMMITTED, []).extend(pending)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction: object) -> None:
    session.info.pop(_PENDING, None)


def take_committed(session: Session) -> list[Call]:
    return session.info.pop(_COMMITTED, [])


def run_calls(app: Flask, calls: list[Call]) -> None:
    for fn, args in calls:
        with app.app_context():
            try:
                fn(*args)
            except Exception:  # one failure must not stop the others; each records its own state
                log.exception("deferred %s%r failed", getattr(fn, "__name__", fn), args)
                db.session.rollback()


def run_committed() -> None:
    """Run now what the current session's committed transactions left to do."""
    run_calls(current_app._get_current_object(), take_committed(db.session))  # type: ignore[attr-defined]


def init_app(app: Flask) -> None:
    @app.after_request
    def _run_after_response(response: Any) -> Any:
        calls = take_committed(db.session)
        if calls:
            flask_app = current_app._get_current_object()  # type: ignore[attr-defined]
            response.call_on_close(lambda: run_calls(flask_app, calls))
        return response
