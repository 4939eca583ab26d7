"""Calendar feeds: the addresses staff make for a workshop or a student, and the feeds."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import icalendar
import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ecoprod.accounts.permissions import staff_required
from ecoprod.database import utcnow
from ecoprod.extensions import db
from ecoprod.i18n import SCHOOL_TIMEZONE, local_today
from ecoprod.i18n import gettext as _
from ecoprod.planning import access, feeds
from ecoprod.planning.models import Assignment, CalendarFeed, Operation
from ecoprod.planning.views.blueprint import bp
from ecoprod.slots import Half
from ecoprod.students.models import Student
from ecoprod.tenancy import set_scope
from ecoprod.web.forms import ActionForm
from ecoprod.workshops.models import Workshop


@bp.app_template_global()
def feed_address(workshop: Workshop | None = None, student: Student | None = None) -> dict[str, Any] | None:
    """The signed-in person's calendar address for this workshop or student, if they made one."""
    return feeds.feed_link(feeds.find(current_user, workshop=workshop, student=student), workshop, student)


def _renew(allowed: bool, back: str, **subject: Any) -> Response:
    access.require(allowed)
    if ActionForm().validate_on_submit():
        feeds.renew(current_user, **subject)
        db.session.commit()
        flash(_("Your calendar address is ready; any earlier one no longer works."), "success")
    return redirect(back + "#feed")


@bp.post("/planning/workshops/<int:workshop_id>/feed")
@staff_required
def renew_workshop_feed(workshop_id: int) -> Response:
    workshop = access.load_workshop_or_404(workshop_id, current_user)
    allowed = access.can_manage_workshop(current_user, workshop) and not workshop.is_archived
    return _renew(allowed, url_for("planning.board", workshop_id=workshop.id), workshop=workshop)


@bp.post("/planning/students/<int:student_id>/feed")
@staff_required
def renew_student_feed(student_id: int) -> Response:
    student = access.load_student_or_404(student_id, current_user)
    allowed = access.can_manage_student(current_user, student) and not student.is_archived
    return _renew(allowed, url_for("planning.student", student_id=student.id), student=student)


@bp.post("/planning/feeds/<int:feed_id>/revoke")
@staff_required
def revoke_feed(feed_id: int) -> Response:
    feed = db.get_or_404(CalendarFeed, feed_id)
    if feed.owner_id != current_user.id and not current_user.is_admin:
        abort(404)
    if ActionForm().validate_on_submit():
        feeds.revoke(feed)
        db.session.commit()
        flash(_("This calendar address no longer works."), "success")
    if feed.workshop_id:
        return redirect(url_for("planning.board", workshop_id=feed.workshop_id) + "#feed")
    return redirect(url_for("planning.student", student_id=feed.student_id) + "#feed")


# --- The feeds ------------------------------------------------------------------------------


def _readable_feed(kind: str, object_id: int) -> CalendarFeed:
    """The feed the ``key`` names, read in its school's scope, or 404 (saying nothing)."""
    feed = feeds.from_key(request.args.get("key", ""))
    if feed is None:
        abort(404)
    set_scope(db.session, feed.school_id)  # a calendar client has no session: the feed names the school
    if not feeds.readable(feed, kind, object_id):
        abort(404)
    return feed


def _calendar(name: str, assignments: list[Assignment]) -> Response:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//EcoProd//planning//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for a in assignments:
        start_hour = 8 if a.half is Half.AM else 13
        event = icalendar.Event()
        event.add("uid", f"assignment-{a.id}@ecoprod")
        event.add("summary", f"{a.operation.order.reference} · {a.operation.name}")
        event.add("dtstart", _local(a.day, start_hour, 30))
        event.add("dtend", _local(a.day, start_hour + 3, 59 if a.half is Half.AM else 30))
        event.add("dtstamp", utcnow())
        calendar.add_component(event)
    response = Response(
        calendar.to_ical(),
        mimetype="text/calendar",
        headers={"Content-Disposition": "inline; filename=planning.ics"},
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _local(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SCHOOL_TIMEZONE)


def _feed_assignments(condition: Any) -> list[Assignment]:
    since = local_today() - timedelta(days=30)
    stmt = (
        sa.select(Assignment)
        .join(Operation, Operation.id == Assignment.operation_id)
        .where(condition, Assignment.day >= since)
        .options(sa.orm.contains_eager(Assignment.operation).joinedload(Operation.order))
        .order_by(Assignment.day, Assignment.half)
    )
    return list(db.session.scalars(stmt).unique())


@bp.get("/feeds/workshops/<int:workshop_id>.ics")
def workshop_feed(workshop_id: int) -> Response:
    _readable_feed(feeds.WORKSHOP, workshop_id)
    return _calendar(f"Atelier {workshop_id}", _feed_assignments(Operation.workshop_id == workshop_id))


@bp.get("/feeds/students/<int:student_id>.ics")
def student_feed(student_id: int) -> Response:
    _readable_feed(feeds.STUDENT, student_id)
    return _calendar("Mon planning", _feed_assignments(Assignment.student_id == student_id))
