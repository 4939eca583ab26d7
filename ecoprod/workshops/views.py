"""Workshops and their machines (administrators)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ecoprod.accounts.models import Role, User, UserStatus
from ecoprod.accounts.permissions import admin_required
from ecoprod.extensions import db
from ecoprod.forms import options
from ecoprod.i18n import gettext as _
from ecoprod.students.models import Student
from ecoprod.web.forms import ActionForm, SearchForm
from ecoprod.web.keyset import asc, keyset
from ecoprod.web.listing import apply_search, show_archived
from ecoprod.workshops import access, services
from ecoprod.workshops.forms import MachineForm, WorkshopForm
from ecoprod.workshops.models import Machine, Workshop

bp = Blueprint("workshops", __name__, url_prefix="/admin/workshops")


def _master_choices() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == Role.MASTER, User.status != UserStatus.ARCHIVED)
            .order_by(User.full_name)
        )
    )


@bp.get("/")
@admin_required
def index() -> str:
    search = SearchForm(request.args)
    archived = show_archived()
    stmt = (
        sa.select(Workshop)
        .where(Workshop.archived_at.is_not(None) if archived else Workshop.archived_at.is_(None))
        .options(sa.orm.selectinload(Workshop.masters), sa.orm.selectinload(Workshop.machines))
    )
    stmt = apply_search(stmt, search.q.data, Workshop.name)
    page = keyset(stmt, asc(Workshop.name), asc(Workshop.id))
    return render_template("workshops/index.html", page=page, search=search, archived=archived)


def _workshop_form(workshop: Workshop | None) -> tuple[WorkshopForm, list[User]]:
    form = WorkshopForm(obj=workshop)
    masters = _master_choices()
    form.masters.choices = options((u.id, u.full_name) for u in masters)
    if workshop is not None and not form.is_submitted():
        form.masters.data = [u.id for u in workshop.masters]
        form.trade.data = workshop.trade.value
    return form, masters


def _save(workshop: Workshop | None) -> Any:
    form, masters = _workshop_form(workshop)
    if form.validate_on_submit():
        chosen = [u for u in masters if u.id in (form.masters.data or [])]
        workshop = services.save_workshop(workshop, g.school.id, form.to_input(), chosen)
        db.session.commit()
        flash(_("%(name)s has been saved.", name=workshop.name), "success")
        return redirect(url_for("workshops.detail", workshop_id=workshop.id))
    return render_template("workshops/form.html", form=form, workshop=workshop)


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new() -> Any:
    return _save(None)


@bp.route("/<int:workshop_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(workshop_id: int) -> Any:
    return _save(access.load_workshop_or_404(workshop_id, current_user))


@bp.get("/<int:workshop_id>")
@admin_required
def detail(workshop_id: int) -> str:
    workshop = access.load_workshop_or_404(workshop_id, current_user)
    student_count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Student)
        .where(Student.workshop_id == workshop.id, Student.archived_at.is_(None))
    )
    return render_template(
        "workshops/detail.html", workshop=workshop, student_count=student_count, action_form=ActionForm()
    )


@bp.post("/<int:workshop_id>/archive")
@admin_required
def archive(workshop_id: int) -> Response:
    workshop = access.load_workshop_or_404(workshop_id, current_user)
    if ActionForm().validate_on_submit():
        services.set_archived(workshop, not workshop.is_archived)
        db.session.commit()
        flash(
            _("%(name)s has been archived.", name=workshop.name)
            if workshop.is_archived
            else _("%(name)s has been restored.", name=workshop.name),
            "success",
        )
    return redirect(url_for("workshops.detail", workshop_id=workshop.id))


@bp.route("/<int:workshop_id>/machines/new", methods=["GET", "POST"])
@admin_required
def new_machine(workshop_id: int) -> Any:
    workshop = access.load_workshop_or_404(workshop_id, current_user)
    return _save_machine(workshop, None)


@bp.route("/machines/<int:machine_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_machine(machine_id: int) -> Any:
    machine = access.load_machine_or_404(machine_id, current_user)
    return _save_machine(machine.workshop, machine)


def _save_machine(workshop: Workshop, machine: Machine | None) -> Any:
    form = MachineForm(obj=machine)
    if form.validate_on_submit():
        services.save_machine(workshop, machine, form.to_input())
        db.session.commit()
        flash(_("The machine has been saved."), "success")
        return redirect(url_for("workshops.detail", workshop_id=workshop.id))
    return render_template("workshops/machine_form.html", form=form, workshop=workshop, machine=machine)


@bp.post("/machines/<int:machine_id>/archive")
@admin_required
def archive_machine(machine_id: int) -> Response:
    machine = access.load_machine_or_404(machine_id, current_user)
    if ActionForm().validate_on_submit():
        services.set_archived(machine, not machine.is_archived)
        db.session.commit()
        flash(_("The machine has been updated."), "success")
    return redirect(url_for("workshops.detail", workshop_id=machine.workshop_id))
