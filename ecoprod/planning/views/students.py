"""A student's file for the staff who plan them: timetable, level, supervisor, absences, medical opinions, safety trainings, tablet sign-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ecoprod import audit
from ecoprod.accounts import services as accounts
from ecoprod.accounts.models import Role, User, UserStatus
from ecoprod.accounts.permissions import admin_required, staff_required
from ecoprod.extensions import db
from ecoprod.forms import options
from ecoprod.i18n import gettext as _
from ecoprod.i18n import local_today
from ecoprod.minors import access as minors_access
from ecoprod.minors import services as minors
from ecoprod.minors.forms import MedicalOpinionForm, TrainingForm
from ecoprod.planning import access, services
from ecoprod.planning.forms import (
    AbsenceForm,
    StudentAccountForm,
    TimetableForm,
)
from ecoprod.planning.models import Absence, Assignment, Operation
from ecoprod.planning.views.blueprint import bp
from ecoprod.slots import Half, pattern_from_keys, pattern_keys
from ecoprod.web.feedback import flash_form_errors, flash_refusal
from ecoprod.web.forms import ActionForm
from ecoprod.workshops.models import Machine


def _half_day_choices() -> list[SelectChoice]:
    names = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday")]
    return [SelectChoice(f"{d}-{h.value}", f"{names[d]} {h.label}") for d in range(6) for h in Half]


def _supervisor_choices() -> list[SelectChoice]:
    staff = db.session.scalars(
        sa.select(User)
        .where(User.role.in_([Role.MASTER, Role.ADMIN]), User.status == UserStatus.ACTIVE)
        .order_by(User.full_name)
    )
    return [SelectChoice(0, _("Nobody yet")), *options((u.id, u.full_name) for u in staff)]


def _student_page(student: Any, timetable: TimetableForm | None = None, status: int = 200) -> Any:
    machines = db.session.scalars(
        sa.select(Machine)
        .where(Machine.regulated.is_(True), Machine.archived_at.is_(None))
        .order_by(Machine.name)
    ).all()
    training_form = TrainingForm(prefix="training")
    training_form.machine_id.choices = options((m.id, m.name) for m in machines)
    if timetable is None:
        timetable = TimetableForm(prefix="tt")
        timetable.pattern.data = pattern_keys(student.workshop_pattern)
        timetable.level.data = student.level
        timetable.supervisor_id.data = student.supervisor_id or 0
    timetable.pattern.choices = _half_day_choices()
    timetable.supervisor_id.choices = _supervisor_choices()
    files = {f.student.id: f for f in minors.student_files(student.school_id)}
    absences = db.session.scalars(
        sa.select(Absence)
        .where(Absence.student_id == student.id, Absence.end_date >= local_today() - timedelta(days=30))
        .order_by(Absence.start_date)
    ).all()
    upcoming = db.session.scalars(
        sa.select(Assignment)
        .where(Assignment.student_id == student.id, Assignment.day >= local_today())
        .options(sa.orm.joinedload(Assignment.operation).joinedload(Operation.order))
        .order_by(Assignment.day, Assignment.half)
        .limit(20)
    ).all()
    return render_template(
        "planning/student.html",
        student=student,
        file=files.get(student.id),
        today=local_today(),
        timetable=timetable,
        absence_form=AbsenceForm(prefix="absence"),
        medical_form=MedicalOpinionForm(prefix="medical"),
        training_form=training_form,
        account_form=StudentAccountForm(prefix="account"),
        absences=absences,
        upcoming=upcoming,
        can_manage=access.can_manage_student(current_user, student),
        can_see_medical=minors_access.can_see_medical(current_user, student),
        can_give_sign_in=access.can_give_sign_in(current_user, student),
        action_form=ActionForm(),
    ), status


@bp.route("/planning/students/<int:student_id>", methods=["GET", "POST"])
@staff_required
def student(student_id: int) -> Any:
    student = access.load_student_or_404(student_id, current_user)
    if request.method == "POST":
        access.require(access.can_manage_student(current_user, student))
        form = TimetableForm(prefix="tt")
        form.pattern.choices = _half_day_choices()
        form.supervisor_id.choices = _supervisor_choices()
        if form.validate_on_submit():
            services.save_timetable(
                student,
                services.TimetableInput(
                    workshop_pattern=pattern_from_keys(form.pattern.data or []),
                    level=form.level.data,
                    supervisor_id=form.supervisor_id.data or None,
                ),
            )
            db.session.commit()
            flash(_("The timetable of %(name)s has been saved.", name=student.full_name), "success")
            return redirect(url_for("planning.student", student_id=student.id))
        return _student_page(student, form, 400)
    audit.record_view("student.viewed", student)  # the page shows the medical and training data
    return _student_page(student)


@bp.post("/planning/students/<int:student_id>/absences")
@staff_required
def add_absence(student_id: int) -> Response:
    student = access.student_to_manage(student_id, current_user)
    form = AbsenceForm(prefix="absence")
    if form.validate_on_submit():
        data = services.AbsenceInput(
            start_date=form.start_date.data,
            end_date=form.end_date.data,
            half=Half(form.half.data) if form.half.data else None,
            reason=form.reason.data,
        )
        try:
            services.add_absence(student, data)
        except services.PlanningError as exc:
            db.session.rollback()
            flash_refusal(exc)
        else:
            db.session.commit()
            flash(_("The absence has been recorded."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("planning.student", student_id=student.id))


@bp.post("/planning/absences/<int:absence_id>/delete")
@staff_required
def delete_absence(absence_id: int) -> Response:
    absence = db.get_or_404(Absence, absence_id)
    access.require(access.can_manage_student(current_user, absence.student))
    student_id = absence.student_id
    services.delete_absence(absence)
    db.session.commit()
    return redirect(url_for("planning.student", student_id=student_id))


@bp.post("/planning/students/<int:student_id>/medical")
@staff_required
def add_medical(student_id: int) -> Response:
    student = access.student_to_manage(student_id, current_user)
    form = MedicalOpinionForm(prefix="medical")
    if form.validate_on_submit():
        minors.add_medical_opinion(student, form.given_on.data, form.valid_until.data, form.fit.data)
        db.session.commit()
        flash(_("The medical opinion has been recorded."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("planning.student", student_id=student.id))


@bp.post("/planning/students/<int:student_id>/trainings")
@staff_required
def add_training(student_id: int) -> Response:
    student = access.student_to_manage(student_id, current_user)
    form = TrainingForm(prefix="training")
    form.machine_id.choices = options(
        (m.id, m.name) for m in db.session.scalars(sa.select(Machine).where(Machine.regulated.is_(True)))
    )
    if form.validate_on_submit():
        machine = db.get_or_404(Machine, form.machine_id.data)
        minors.record_training(student, machine, form.trained_on.data)
        db.session.commit()
        flash(_("The safety training has been recorded."), "success")
    else:
        flash(_("Choose the machine and the day of the training."), "error")
    return redirect(url_for("planning.student", student_id=student.id))


@bp.post("/planning/students/<int:student_id>/account")
@admin_required
def student_account(student_id: int) -> Response:
    student = access.load_student_or_404(student_id, current_user)
    form = StudentAccountForm(prefix="account")
    if not form.validate_on_submit():
        flash(_("Give an e-mail address and a first password."), "error")
        return redirect(url_for("planning.student", student_id=student.id))
    try:
        services.create_sign_in(student, g.school, form.email.data, form.password.data)
    except (services.PlanningError, accounts.AccountError) as exc:
        db.session.rollback()
        flash_refusal(exc)
        return redirect(url_for("planning.student", student_id=student.id))
    db.session.commit()
    flash(_("%(name)s can now sign in on the workshop tablet.", name=student.full_name), "success")
    return redirect(url_for("planning.student", student_id=student.id))
