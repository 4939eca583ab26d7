"""Students (administrators). Nothing here is ever reachable by a customer."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ecoprod.accounts.permissions import admin_required
from ecoprod.extensions import db
from ecoprod.i18n import gettext as _
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.students import access, services
from ecoprod.students.forms import StudentFilterForm, StudentForm
from ecoprod.students.models import Student
from ecoprod.web import listexport
from ecoprod.web.feedback import show_on_form
from ecoprod.web.forms import ActionForm
from ecoprod.web.keyset import asc, keyset
from ecoprod.web.listing import apply_search, show_archived
from ecoprod.workshops.services import workshop_options

bp = Blueprint("students", __name__, url_prefix="/admin/students")

EXPORTED = (
    listexport.Column(_l("Last name"), lambda s: s.last_name),
    listexport.Column(_l("First name"), lambda s: s.first_name),
    listexport.Column(_l("Birth date"), lambda s: s.birth_date),
    listexport.Column(_l("Trade"), lambda s: s.trade.label),
    listexport.Column(_l("Training year"), lambda s: s.training_year),
    listexport.Column(_l("Workshop"), lambda s: s.workshop.name if s.workshop else None),
)


@bp.get("/")
@admin_required
def index() -> str | Response:
    filters = StudentFilterForm(request.args)
    filters.workshop.choices = [SelectChoice(0, _("All workshops")), *workshop_options()]
    archived = show_archived()
    stmt = (
        sa.select(Student)
        .where(Student.archived_at.is_not(None) if archived else Student.archived_at.is_(None))
        .options(sa.orm.joinedload(Student.workshop))
    )
    if filters.workshop.data:
        stmt = stmt.where(Student.workshop_id == filters.workshop.data)
    stmt = apply_search(stmt, filters.q.data, Student.first_name, Student.last_name)
    keys = (asc(Student.last_name), asc(Student.first_name), asc(Student.id))
    if fmt := listexport.requested():
        return listexport.respond(listexport.rows_of(stmt, keys), EXPORTED, fmt, "eleves")
    page = keyset(stmt, *keys)
    return render_template("students/index.html", page=page, filters=filters, archived=archived)


def _save(student: Student | None) -> Any:
    form = StudentForm(obj=student)
    form.workshop_id.choices = [SelectChoice(0, _("No workshop yet")), *workshop_options()]
    if student is not None and not form.is_submitted():
        form.trade.data = student.trade.value
        form.workshop_id.data = student.workshop_id or 0
    if form.validate_on_submit():
        try:
            student = services.save_student(student, g.school.id, form.to_input())
        except services.StudentError as exc:
            db.session.rollback()
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("%(name)s has been saved.", name=student.full_name), "success")
            return redirect(url_for("students.index"))
    return render_template("students/form.html", form=form, student=student, action_form=ActionForm())


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new() -> Any:
    return _save(None)


@bp.route("/<int:student_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(student_id: int) -> Any:
    return _save(access.load_student_or_404(student_id, current_user))


@bp.post("/<int:student_id>/archive")
@admin_required
def archive(student_id: int) -> Response:
    student = access.load_student_or_404(student_id, current_user)
    if ActionForm().validate_on_submit():
        services.set_archived(student, not student.is_archived)
        db.session.commit()
        flash(
            _("%(name)s has been archived.", name=student.full_name)
            if student.is_archived
            else _("%(name)s has been restored.", name=student.full_name),
            "success",
        )
    return redirect(url_for("students.edit", student_id=student.id))
