"""The derogation register: declarations, each student's file, expiry warnings, the PDF."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, flash, g, redirect, render_template, url_for
from flask_login import current_user

from ecoprod.accounts.permissions import admin_required, staff_required
from ecoprod.extensions import db
from ecoprod.forms import options
from ecoprod.i18n import gettext as _
from ecoprod.i18n import local_today
from ecoprod.minors import access, services
from ecoprod.minors.forms import DeclarationForm
from ecoprod.minors.models import DerogationDeclaration
from ecoprod.pdf import render_pdf
from ecoprod.web.feedback import show_on_form
from ecoprod.web.forms import ActionForm
from ecoprod.workshops.models import Machine

bp = Blueprint("minors", __name__, url_prefix="/minors")


def _declaration_form() -> DeclarationForm:
    form = DeclarationForm()
    machines = db.session.scalars(
        sa.select(Machine)
        .where(Machine.regulated.is_(True), Machine.archived_at.is_(None))
        .order_by(Machine.name)
    )
    form.machine_ids.choices = options((m.id, m.name) for m in machines)
    return form


def _medical_visible(student: Any) -> bool:
    return access.can_see_medical(current_user, student)


def _register(form: DeclarationForm | None = None, status: int = 200) -> Any:
    today = local_today()
    declarations = db.session.scalars(
        sa.select(DerogationDeclaration)
        .options(sa.orm.selectinload(DerogationDeclaration.machines))
        .order_by(DerogationDeclaration.declared_on.desc())
    ).all()
    return render_template(
        "minors/register.html",
        declarations=declarations,
        files=services.student_files(g.school.id, today),
        alerts=services.alerts(g.school.id, today, _medical_visible),
        medical_visible=_medical_visible,
        today=today,
        form=form or _declaration_form(),
        action_form=ActionForm(),
        can_declare=access.can_declare(current_user),
    ), status


@bp.get("/")
@staff_required
def register() -> Any:
    return _register()


@bp.post("/declarations")
@admin_required
def add_declaration() -> Any:
    form = _declaration_form()
    if form.validate_on_submit():
        machines = list(db.session.scalars(sa.select(Machine).where(Machine.id.in_(form.machine_ids.data))))
        try:
            services.add_declaration(
                g.school.id, form.declared_on.data, form.work_covered.data, form.reference.data, machines
            )
        except services.MinorsError as exc:
            db.session.rollback()
            show_on_form(form, exc, "machine_ids")
        else:
            db.session.commit()
            flash(_("The declaration has been recorded."), "success")
            return redirect(url_for("minors.register"))
    return _register(form, 400)


@bp.post("/declarations/<int:declaration_id>/delete")
@admin_required
def delete_declaration(declaration_id: int) -> Response:
    declaration = access.load_declaration_or_404(declaration_id, current_user)
    db.session.delete(declaration)
    db.session.commit()
    flash(_("The declaration has been deleted."), "success")
    return redirect(url_for("minors.register"))


@bp.get("/register.pdf")
@staff_required
def register_pdf() -> Response:
    today = local_today()
    declarations = db.session.scalars(
        sa.select(DerogationDeclaration)
        .options(sa.orm.selectinload(DerogationDeclaration.machines))
        .order_by(DerogationDeclaration.declared_on)
    ).all()
    data = render_pdf(
        "pdf/minors_register.html",
        school=g.school,
        declarations=declarations,
        files=[f for f in services.student_files(g.school.id, today) if f.minor],
        alerts=services.alerts(g.school.id, today, _medical_visible),
        medical_visible=_medical_visible,
        today=today,
    )
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": "inline; filename=registre-derogations.pdf"},
    )
