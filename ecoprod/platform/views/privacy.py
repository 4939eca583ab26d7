"""A student's data on request (RGPD): the export a family receives, and erasure."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user
from wtforms import StringField, ValidationError
from wtforms.validators import DataRequired, Length

from ecoprod.accounts import access as accounts_access
from ecoprod.accounts.permissions import admin_required
from ecoprod.extensions import db
from ecoprod.forms import BaseForm
from ecoprod.i18n import gettext as _
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.platform import account_privacy, privacy
from ecoprod.platform.views.blueprint import bp
from ecoprod.students import access


class EraseForm(BaseForm):
    """Erasure is for good: the person's full name, typed, confirms it (case aside)."""

    confirm = StringField(
        _l("Type the student's full name to confirm"), validators=[DataRequired(), Length(max=200)]
    )

    def __init__(self, name: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.expected_name = name

    def validate_confirm(self, field: StringField) -> None:
        if field.data.strip().casefold() != self.expected_name.casefold():
            raise ValidationError(_("Type “%(name)s” exactly, as a safeguard.", name=self.expected_name))


@bp.get("/admin/students/<int:student_id>/data.zip")
@admin_required
def student_data(student_id: int) -> Response:
    student = access.load_student_or_404(student_id, current_user)
    body = privacy.export_student(student, g.school)
    db.session.commit()
    return Response(
        body,
        mimetype="application/zip",
        headers={"Content-Disposition": f"attachment; filename=donnees-eleve-{student.id}.zip"},
    )


@bp.route("/admin/students/<int:student_id>/erase", methods=["GET", "POST"])
@admin_required
def erase_student(student_id: int) -> Any:
    student = access.load_student_or_404(student_id, current_user)
    form = EraseForm(student.full_name)
    if form.validate_on_submit():
        privacy.erase_student(student)
        db.session.commit()
        flash(_("The student's identity has been erased; their history stays, anonymous."), "success")
        return redirect(url_for("students.edit", student_id=student.id))
    status = 400 if form.errors else 200
    return render_template("platform/erase_student.html", form=form, student=student), status


@bp.get("/admin/users/<int:user_id>/data.json")
@admin_required
def account_data(user_id: int) -> Response:
    user = accounts_access.load_user_or_404(user_id, current_user)
    body = account_privacy.export_account(user)
    db.session.commit()
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename=donnees-compte-{user.id}.json"},
    )


@bp.route("/admin/users/<int:user_id>/erase", methods=["GET", "POST"])
@admin_required
def erase_account(user_id: int) -> Any:
    user = accounts_access.load_user_or_404(user_id, current_user)
    if user.id == current_user.id or not user.is_customer:
        abort(403)  # staff accounts are archived; one's own is never erased from here
    form = EraseForm(user.full_name)
    form.confirm.label.text = _("Type the person's full name to confirm")
    if form.validate_on_submit():
        account_privacy.erase_account(user)
        db.session.commit()
        flash(_("The person's identity has been erased; their company's orders stay."), "success")
        return redirect(url_for("accounts.users", status="archived"))
    status = 400 if form.errors else 200
    return render_template("platform/erase_account.html", form=form, person=user), status
