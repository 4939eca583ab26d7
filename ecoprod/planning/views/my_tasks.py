"""The student's own space on the workshop tablet: their half-days and their time, nothing else."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ecoprod.accounts.permissions import student_required
from ecoprod.extensions import db
from ecoprod.i18n import gettext as _
from ecoprod.i18n import local_today
from ecoprod.planning import access, services
from ecoprod.planning.forms import (
    OwnTimeForm,
)
from ecoprod.planning.models import Assignment, Operation
from ecoprod.planning.views.blueprint import bp
from ecoprod.web.feedback import flash_form_errors, flash_refusal


@bp.get("/my-tasks")
@student_required
def my_tasks() -> str:
    me = access.own_student(current_user)
    if me is None:
        abort(404)
    upcoming = db.session.scalars(
        sa.select(Assignment)
        .where(Assignment.student_id == me.id, Assignment.day >= local_today() - timedelta(days=7))
        .options(sa.orm.joinedload(Assignment.operation).joinedload(Operation.order))
        .order_by(Assignment.day, Assignment.half)
    ).all()
    operations = {a.operation.id: a.operation for a in upcoming}
    forms = {op_id: OwnTimeForm(prefix=f"t{op_id}", day=local_today()) for op_id in operations}
    return render_template(
        "planning/my_tasks.html", me=me, upcoming=upcoming, operations=operations, forms=forms
    )


@bp.post("/my-tasks/operations/<int:operation_id>/time")
@student_required
def log_own_time(operation_id: int) -> Response:
    me = access.own_student(current_user)
    operation = access.operation_or_404(operation_id)
    if me is None or all(a.student_id != me.id for a in operation.assignments):
        abort(404)  # only the operations one is assigned to
    form = OwnTimeForm(prefix=f"t{operation.id}")
    if form.validate_on_submit():
        try:
            services.log_time(operation, me, form.day.data, form.hours.data, current_user, form.note.data)
        except services.PlanningError as exc:
            db.session.rollback()
            flash_refusal(exc)
        else:
            db.session.commit()
            flash(_("Thank you, your time is recorded."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("planning.my_tasks"))
