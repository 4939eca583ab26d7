"""The school's time and vocabulary (administrators): the calendar, with its .ics import, and the competences of the diplomas."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, url_for
from werkzeug.wrappers import Response

from ecoprod.accounts.permissions import admin_required
from ecoprod.database import utcnow
from ecoprod.extensions import db
from ecoprod.i18n import gettext as _
from ecoprod.i18n import local_today
from ecoprod.planning import services
from ecoprod.planning.forms import (
    CalendarEventForm,
    CalendarImportForm,
    CompetenceForm,
)
from ecoprod.planning.models import CalendarEvent, CalendarKind, Competence
from ecoprod.planning.views.blueprint import bp
from ecoprod.web.forms import ActionForm

MAX_ICS_BYTES = 1024 * 1024


@bp.route("/admin/calendar", methods=["GET", "POST"])
@admin_required
def calendar() -> Any:
    form = CalendarEventForm()
    if form.validate_on_submit():
        db.session.add(
            CalendarEvent(
                school_id=g.school.id,
                kind=CalendarKind(form.kind.data),
                label=form.label.data,
                start_date=form.start_date.data,
                end_date=form.end_date.data,
            )
        )
        db.session.commit()
        flash(_("The days have been added to the calendar."), "success")
        return redirect(url_for("planning.calendar"))
    events = db.session.scalars(
        sa.select(CalendarEvent)
        .where(CalendarEvent.end_date >= local_today() - timedelta(days=60))
        .order_by(CalendarEvent.start_date)
    ).all()
    return render_template(
        "planning/calendar.html",
        form=form,
        import_form=CalendarImportForm(prefix="ics"),
        events=events,
        action_form=ActionForm(),
    ), 400 if form.is_submitted() else 200


@bp.post("/admin/calendar/import")
@admin_required
def import_calendar() -> Response:
    form = CalendarImportForm(prefix="ics")
    if not form.validate_on_submit():
        flash(_("Choose a .ics file."), "error")
        return redirect(url_for("planning.calendar"))
    data = form.ics.data.stream.read(MAX_ICS_BYTES + 1)
    try:
        if len(data) > MAX_ICS_BYTES:
            raise ValueError("too large")
        added = services.import_calendar(g.school.id, data, CalendarKind(form.kind.data))
    except ValueError:
        db.session.rollback()
        flash(_("This file is not a calendar (.ics) that can be read, or it is larger than 1 MB."), "error")
        return redirect(url_for("planning.calendar"))
    db.session.commit()
    flash(_("%(n)s periods imported.", n=added), "success")
    return redirect(url_for("planning.calendar"))


@bp.post("/admin/calendar/<int:event_id>/delete")
@admin_required
def delete_calendar_event(event_id: int) -> Response:
    event = db.get_or_404(CalendarEvent, event_id)
    db.session.delete(event)
    db.session.commit()
    flash(_("The period has been removed from the calendar."), "success")
    return redirect(url_for("planning.calendar"))


@bp.route("/admin/competences", methods=["GET", "POST"])
@admin_required
def competences() -> Any:
    form = CompetenceForm()
    if form.validate_on_submit():
        exists = db.session.scalars(sa.select(Competence).where(Competence.code == form.code.data)).first()
        if exists:
            form.code.errors = [*form.code.errors, _("This code is already used.")]
        else:
            db.session.add(
                Competence(
                    school_id=g.school.id, code=form.code.data, name=form.name.data, diploma=form.diploma.data
                )
            )
            db.session.commit()
            flash(_("The competence has been added."), "success")
            return redirect(url_for("planning.competences"))
    items = db.session.scalars(
        sa.select(Competence).order_by(Competence.archived_at.is_not(None), Competence.code)
    ).all()
    return render_template(
        "planning/competences.html", form=form, items=items, action_form=ActionForm()
    ), 400 if form.is_submitted() else 200


@bp.post("/admin/competences/<int:competence_id>/archive")
@admin_required
def archive_competence(competence_id: int) -> Response:
    competence = db.get_or_404(Competence, competence_id)
    competence.archived_at = None if competence.archived_at else utcnow()
    db.session.commit()
    return redirect(url_for("planning.competences"))
