from __future__ import annotations

import hmac

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_login import current_user
from prometheus_client import CONTENT_TYPE_LATEST
from werkzeug.wrappers import Response

from ecoprod import observability
from ecoprod.accounts.models import Role
from ecoprod.extensions import db
from ecoprod.i18n import SESSION_KEY
from ecoprod.jobs import queue_health
from ecoprod.web.forms import LanguageForm

bp = Blueprint("web", __name__)

HOME_BY_ROLE = {
    Role.CUSTOMER: "orders.index",
    Role.MASTER: "orders.inbox",
    Role.ADMIN: "orders.inbox",
    Role.OPERATOR: "platform.schools",
    Role.STUDENT: "planning.my_tasks",
}


@bp.get("/")
def home() -> Response:
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return redirect(url_for(HOME_BY_ROLE[current_user.role]))


@bp.get("/healthz")
def healthz() -> tuple[str, int, dict[str, str]]:
    """For load balancers: the database and the job queue answer (503 when one does not).

    Also the trivial baseline of the benchmarks: one ``SELECT 1`` and one look at the queue.
    """
    checks = {"database": _database_health(), "queue": queue_health()}
    healthy = all(ok for ok, _detail in checks.values())
    body = "".join(f"{name}: {'ok' if ok else 'down'} ({detail})\n" for name, (ok, detail) in checks.items())
    return ("ok\n" if healthy else "unavailable\n") + body, 200 if healthy else 503, _PLAIN


_PLAIN = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.get("/metrics")
def metrics() -> tuple[bytes | str, int, dict[str, str]]:
    """Prometheus metrics, for whoever holds ``METRICS_TOKEN`` (404 when none is set, 403
    for a wrong one: the page is not for people)."""
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), str(token).encode()):
        abort(403)
    return observability.exposition(), 200, {"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"}


def _database_health() -> tuple[bool, str]:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        db.session.rollback()
        return False, type(exc).__name__
    return True, db.engine.dialect.name


@bp.post("/language")
def set_language() -> Response:
    form = LanguageForm()
    if form.validate_on_submit() and form.lang.data in current_app.config["LANGUAGES"]:
        session[SESSION_KEY] = form.lang.data
        if current_user.is_authenticated:
            current_user.locale = form.lang.data
            db.session.commit()
    target = request.referrer
    if not target or not target.startswith(request.host_url):
        target = url_for("web.home")
    return redirect(target)
