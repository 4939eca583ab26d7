"""Error pages in the site's layout; never a stack trace, never another tenant's data."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l

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

    @app.errorhandler(500)
    def _internal(error: Exception) -> tuple[str, int]:
        db.session.rollback()
        return render_error(500)
