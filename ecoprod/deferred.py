"""Work that must wait until the database transaction is committed and the user has their
answer: sending e-mails, rendering PDFs.

``after_commit(session, job, *args)`` registers a call, usually of a job (``ecoprod.jobs``),
which enqueues it; it is dropped if the transaction rolls back. In a request the calls are
made once the response has been sent (WSGI ``close``), in a fresh application context;
in a worker, once the job that committed returns. ``run_committed()`` runs them here and
now instead, with whatever they commit in turn (commands, the demo data). A call lost with
its process is no loss: the rows it concerns say what is left to do, and the sweeps find it.
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
    """Make these calls, each in its own application context, then what they committed in turn."""
    for fn, args in calls:
        with app.app_context():
            _drain([(fn, args)], local=False)


def run_committed() -> None:
    """Run here and now what the current session's committed transactions left to do.

    Jobs run in this process instead of being enqueued, and so does what they commit in turn.
    """
    _drain(take_committed(db.session), local=True)


def _drain(calls: list[Call], *, local: bool) -> None:
    while calls:
        for fn, args in calls:
            call = getattr(fn, "call_local", fn) if local else fn  # a job's body, or its enqueueing
            try:
                call(*args)
            except Exception:  # one failure must not stop the others; each records its own state
                log.exception("deferred %s%r failed", getattr(fn, "__name__", fn), args)
                db.session.rollback()
        calls = take_committed(db.session)


def init_app(app: Flask) -> None:
    @app.after_request
    def _run_after_response(response: Any) -> Any:
        calls = take_committed(db.session)
        if calls:
            flask_app = current_app._get_current_object()  # type: ignore[attr-defined]
            response.call_on_close(lambda: run_calls(flask_app, calls))
        return response
