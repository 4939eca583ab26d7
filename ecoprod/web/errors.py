"""Error pages in the site's layout; never a stack trace, never another tenant's data."""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, current_app, render_template
from flask_babel import force_locale, get_locale
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ecoprod import observability
from ecoprod.database import fault_of
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Access denied"), _l("Your account does not give access to this page.")),
    404: (_l("Page not found"), _l("This page does not exist, or it is not yours to see.")),
    405: (_l("Not allowed"), _l("This action cannot be done this way.")),
    409: (
        _l("Changed in the meantime"),
        _l(
            "Someone else changed this at the same moment. Nothing of yours was saved: reload the page and try again."
        ),
    ),
    413: (
        _l("File too large"),
        _l("What you sent is larger than the site accepts. Send smaller files, fewer at a time."),
    ),
    429: (
        _l("Too many attempts"),
        _l("Too many failed sign-in attempts. Wait a quarter of an hour, or reset your password."),
    ),
    500: (_l("Something went wrong"), _l("The error has been logged. Nothing was saved; try again.")),
}


# When the database is at fault the page cannot ask it anything (not even who is signed in).
DATABASE_FAULTS = {
    "disk_full": (
        _l("Storage full"),
        _l(
            "The server could not save this: its disk is full. Nothing was saved. "
            "Try again later; if it happens again, tell the site's administrator."
        ),
    ),
    "unavailable": (
        _l("Database unavailable"),
        _l(
            "The database is not answering for a moment (it may be restarting). "
            "Nothing was saved. Try again in a few seconds."
        ),
    ),
}


def render_error(code: int, detail: str | None = None) -> tuple[str, int]:
    title, message = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[str, int]:
        db.session.rollback()
        return render_error(
            400, str(_l("The form had expired or was sent from elsewhere. Reload the page and try again."))
        )

    @app.errorhandler(StaleDataError)
    def _conflict(error: StaleDataError) -> tuple[str, int]:
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str, int] | HTTPException:
        if error.code is None or error.code < 400:
            return error
        db.session.rollback()
        return render_error(error.code)

    @app.errorhandler(DBAPIError)
    def _database(error: DBAPIError) -> tuple[str, int, dict[str, str]] | tuple[str, int]:
        with contextlib.suppress(Exception):  # the connection may be gone: nothing to undo
            db.session.rollback()
        fault = fault_of(error)
        if fault is None:
            current_app.log_exception(error)  # type: ignore[arg-type]
            return render_error(500)
        observability.DATABASE_FAULTS.labels(fault).inc()
        log.error("database fault (%s): %s", fault, error.orig)
        return render_database_fault(fault), 503, {"Retry-After": "5"}

    @app.errorhandler(500)
    def _internal(error: Exception) -> tuple[str, int]:
        with contextlib.suppress(DBAPIError):  # the connection may be gone: nothing to undo
            db.session.rollback()
        return render_error(500)


def release_session(error: BaseException | None) -> None:
    """Close the request's session before Flask-SQLAlchemy removes it (registered after it, so
    run before it). When the database went away after the answer was made, the rollback of the
    transaction left open cannot reach it: the server has dropped that transaction itself, so
    the connection is thrown away and the answer already made stands (a write the view
    committed is not turned into a 500)."""
    try:
        db.session.close()
    except DBAPIError as fault:
        if fault_of(fault) is None:
            raise
        log.warning("database gone while closing the request's session: %s", fault.orig)
        db.session().invalidate()


def render_database_fault(fault: str) -> str:
    """A page that needs nothing from the database, in the request's language if it can be
    found without it (finding it may need the signed-in user's row), else the default one."""
    try:
        get_locale()
        language: contextlib.AbstractContextManager[object] = contextlib.nullcontext()
    except Exception:
        language = force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "fr"))
    title, message = DATABASE_FAULTS[fault]
    # Straight from the template environment: the context processors would load the user.
    template = current_app.jinja_env.get_template("errors/unavailable.html")
    with language:
        return template.render(title=title, message=message)
