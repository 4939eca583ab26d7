"""The school's plateforme agréée: the connection's settings and its test (administrators)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, url_for
from werkzeug.wrappers import Response

from ecoprod.accounts.permissions import admin_required
from ecoprod.einvoicing import services
from ecoprod.einvoicing.forms import ConnectionForm
from ecoprod.errors import ActionRefused
from ecoprod.extensions import db
from ecoprod.i18n import gettext as _
from ecoprod.web.feedback import flash_refusal, show_on_form
from ecoprod.web.forms import ActionForm

bp = Blueprint("einvoicing", __name__)


@bp.route("/admin/e-invoicing", methods=["GET", "POST"])
@admin_required
def connection() -> Any:
    saved = services.connection_of(g.school)
    form = ConnectionForm(obj=saved)
    if not form.is_submitted() and saved is not None:
        form.syntax.data = saved.syntax.value
    if form.validate_on_submit():
        try:
            services.save_connection(g.school, form.to_input())
        except ActionRefused as exc:
            db.session.rollback()
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("The platform connection has been saved."), "success")
            return redirect(url_for("einvoicing.connection"))
    return render_template("einvoicing/connection.html", form=form, saved=saved)


@bp.post("/admin/e-invoicing/test")
@admin_required
def test() -> Response:
    saved = services.connection_of(g.school)
    if saved is None or not ActionForm().validate_on_submit():
        return redirect(url_for("einvoicing.connection"))
    try:
        ok = services.test_connection(saved)
    except ActionRefused as exc:
        db.session.rollback()
        flash_refusal(exc)
    else:
        db.session.commit()
        if ok:
            flash(_("The platform answered: the connection works."), "success")
        else:
            flash(_("The platform could not be reached or refused the credentials."), "error")
    return redirect(url_for("einvoicing.connection"))
