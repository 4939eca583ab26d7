from __future__ import annotations

from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ecoprod.accounts.models import Role
from ecoprod.extensions import db
from ecoprod.i18n import SESSION_KEY
from ecoprod.web.forms import LanguageForm

bp = Blueprint("web", __name__)

HOME_BY_ROLE = {
    Role.CUSTOMER: "orders.index",
    Role.MASTER: "orders.inbox",
    Role.ADMIN: "orders.inbox",
    Role.OPERATOR: "schools.platform_schools",
    Role.STUDENT: "planning.my_tasks",
}


@bp.get("/")
def home() -> Response:
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return redirect(url_for(HOME_BY_ROLE[current_user.role]))


@bp.get("/healthz")
def healthz() -> tuple[str, int, dict[str, str]]:
    """Liveness for load balancers, and the trivial baseline of bench/pages.py."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


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
