"""One operation's page and what is done on it: assignments, time, progress, photos, sign-offs."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ecoprod.accounts.permissions import school_member_required, staff_required
from ecoprod.extensions import db
from ecoprod.forms import options
from ecoprod.i18n import gettext as _
from ecoprod.i18n import local_today, number
from ecoprod.planning import access, services
from ecoprod.planning.forms import (
    AssignForm,
    PhotoForm,
    ProgressForm,
    SignoffForm,
    TimeLogForm,
)
from ecoprod.planning.models import (
    Assignment,
    Competence,
    Operation,
    OperationPhoto,
    OperationStatus,
    QualityResult,
)
from ecoprod.planning.views.blueprint import bp, flash_warnings
from ecoprod.slots import HalfDay, half_days, slot_label, week_start
from ecoprod.storage import IMAGE_KINDS, UploadRefused, file_store, inspect_upload, without_metadata
from ecoprod.students.models import Student
from ecoprod.web.feedback import flash_form_errors, flash_refusal
from ecoprod.web.forms import ActionForm

# --- Index -----------------------------------------------------------------------------------


def _slot_choices(start: date, weeks: int = 4) -> list[SelectChoice]:
    end = start + timedelta(weeks=weeks)
    return [
        SelectChoice(slot.key(), slot_label(slot)) for slot in half_days(start, end) if slot.day.weekday() < 5
    ]


@bp.get("/operations/<int:operation_id>")
@staff_required
def operation(operation_id: int) -> str:
    op = access.load_operation_or_404(operation_id, current_user)
    students = access.workshop_students(op.workshop)
    return render_template(
        "planning/operation.html",
        op=op,
        can_manage=access.can_manage_operation(current_user, op),
        assign_form=_assign_form(op, students),
        time_form=_time_form(op, students),
        progress_form=_progress_form(op),
        photo_form=PhotoForm(),
        signoff_form=_signoff_form(op, students),
        action_form=ActionForm(),
    )


def _assign_form(op: Operation, students: list[Student]) -> AssignForm:
    form = AssignForm(prefix="assign")
    form.student_id.choices = options(
        (s.id, _("%(name)s (level %(n)s)", name=s.full_name, n=s.level)) for s in students
    )
    form.slots.choices = _slot_choices(week_start(local_today()))
    return form


def _time_form(op: Operation, students: list[Student]) -> TimeLogForm:
    form = TimeLogForm(prefix="time")
    people = {s.id: s for s in students} | {a.student_id: a.student for a in op.assignments}
    form.student_id.choices = options(
        (s.id, s.full_name) for s in sorted(people.values(), key=lambda s: s.last_name)
    )
    if not form.is_submitted():
        form.day.data = local_today()
    return form


def _progress_form(op: Operation) -> ProgressForm:
    form = ProgressForm(prefix="progress", obj=op)
    if not form.is_submitted():
        form.status.data = op.status.value
        form.quality.data = op.quality.value
    return form


def _signoff_form(op: Operation, students: list[Student]) -> SignoffForm:
    form = SignoffForm(prefix="signoff")
    people = {a.student_id: a.student for a in op.assignments} | {
        t.student_id: t.student for t in op.time_logs
    }
    form.student_id.choices = options((s.id, s.full_name) for s in people.values())
    form.competence_id.choices = options((c.id, c.title) for c in op.competences)
    return form


@bp.post("/operations/<int:operation_id>/assign")
@staff_required
def assign(operation_id: int) -> Response:
    op = access.operation_to_manage(operation_id, current_user)
    form = _assign_form(op, access.workshop_students(op.workshop))
    if form.validate_on_submit():
        student = access.student_or_404(form.student_id.data)
        try:
            warnings = services.assign(op, student, [HalfDay.parse(k) for k in form.slots.data], current_user)
        except services.PlanningError as exc:
            db.session.rollback()
            flash(_("Assignment refused:"), "error")
            flash_refusal(exc)
        else:
            db.session.commit()
            flash(_("%(name)s is assigned.", name=student.full_name), "success")
            flash_warnings(warnings)
    else:
        flash(_("Choose a student and at least one half-day."), "error")
    return redirect(url_for("planning.operation", operation_id=op.id))


@bp.post("/planning/assignments/<int:assignment_id>/delete")
@staff_required
def unassign(assignment_id: int) -> Response:
    assignment = db.get_or_404(Assignment, assignment_id)
    op = assignment.operation
    access.require(access.can_manage_operation(current_user, op))
    services.unassign(assignment)
    db.session.commit()
    flash(_("The assignment has been removed."), "success")
    return redirect(
        request.form.get("next")
        if _safe(request.form.get("next"))
        else url_for("planning.operation", operation_id=op.id)
    )


def _safe(target: str | None) -> bool:
    return bool(target) and target.startswith("/") and not target.startswith("//")


@bp.post("/operations/<int:operation_id>/time")
@staff_required
def log_time(operation_id: int) -> Response:
    op = access.operation_to_manage(operation_id, current_user)
    form = _time_form(op, access.workshop_students(op.workshop))
    if form.validate_on_submit():
        student = access.student_or_404(form.student_id.data)
        try:
            services.log_time(op, student, form.day.data, form.hours.data, current_user, form.note.data)
        except services.PlanningError as exc:
            db.session.rollback()
            flash_refusal(exc)
        else:
            late = services.late_risk(op.order)
            if late:
                services.notify_late(op.order)
            db.session.commit()
            flash(
                _("%(hours)s h logged for %(name)s.", hours=number(form.hours.data), name=student.full_name),
                "success",
            )
            if late:
                flash(_("Late risk: the remaining hours no longer fit before the promised date."), "warning")
    else:
        flash_form_errors(form)
    return redirect(url_for("planning.operation", operation_id=op.id))


@bp.post("/operations/<int:operation_id>/progress")
@staff_required
def progress(operation_id: int) -> Response:
    op = access.operation_to_manage(operation_id, current_user)
    form = _progress_form(op)
    if form.validate_on_submit():
        try:
            services.update_progress(
                op,
                services.ProgressInput(
                    status=OperationStatus(form.status.data),
                    percent_done=form.percent_done.data,
                    blocked_reason=form.blocked_reason.data,
                    quality=QualityResult(form.quality.data),
                    quality_note=form.quality_note.data,
                ),
                current_user,
            )
        except services.PlanningError as exc:
            db.session.rollback()
            flash_refusal(exc)
        else:
            db.session.commit()
            flash(_("Progress saved."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("planning.operation", operation_id=op.id))


@bp.post("/operations/<int:operation_id>/photos")
@staff_required
def add_photo(operation_id: int) -> Response:
    op = access.operation_to_manage(operation_id, current_user)
    form = PhotoForm()
    if form.validate_on_submit():
        upload = form.photo.data
        try:
            image = without_metadata(
                inspect_upload(
                    upload.stream, upload.filename, IMAGE_KINDS, current_app.config["UPLOAD_MAX_BYTES"]
                )
            )
            services.add_photo(op, image, form.caption.data, form.shared.data, current_user)
        except UploadRefused as exc:  # refused by its checks, or by the store's disk
            db.session.rollback()
            flash_refusal(exc)
        else:
            db.session.commit()
            flash(_("The photo has been added."), "success")
    else:
        flash(_("Choose a photo."), "error")
    return redirect(url_for("planning.operation", operation_id=op.id))


@bp.post("/planning/photos/<int:photo_id>/share")
@staff_required
def share_photo(photo_id: int) -> Response:
    photo = db.get_or_404(OperationPhoto, photo_id)
    access.require(access.can_manage_operation(current_user, photo.operation))
    services.toggle_photo_sharing(photo)
    db.session.commit()
    return redirect(url_for("planning.operation", operation_id=photo.operation_id))


@bp.get("/photos/<int:photo_id>")
@school_member_required
def photo(photo_id: int) -> Response:
    """Staff see every photo; a customer only those shared, of their own orders."""
    item = access.load_photo_or_404(photo_id, current_user)
    response = send_file(
        file_store().path(item.school_id, item.stored_name), mimetype=item.content_type, max_age=3600
    )
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.post("/operations/<int:operation_id>/signoff")
@staff_required
def signoff(operation_id: int) -> Response:
    op = access.operation_to_manage(operation_id, current_user)
    form = _signoff_form(op, [])
    if form.validate_on_submit():
        student = access.student_or_404(form.student_id.data)
        competence = db.get_or_404(Competence, form.competence_id.data)
        try:
            services.sign_off(student, op, competence, current_user)
        except services.PlanningError as exc:
            db.session.rollback()
            flash_refusal(exc)
        else:
            db.session.commit()
            flash(
                _("Signed off: %(name)s practised %(code)s.", name=student.full_name, code=competence.code),
                "success",
            )
    return redirect(url_for("planning.operation", operation_id=op.id))
