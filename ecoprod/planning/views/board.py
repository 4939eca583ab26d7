"""A workshop's week: the planning board (moves in place), the Gantt chart, the auto-planner."""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from ecoprod.accounts.permissions import staff_required
from ecoprod.extensions import db
from ecoprod.forms import options
from ecoprod.i18n import gettext as _
from ecoprod.i18n import local_today
from ecoprod.params import date_arg
from ecoprod.planning import access, charts, feeds, services
from ecoprod.planning.forms import (
    MoveForm,
)
from ecoprod.planning.models import (
    Assignment,
    CalendarFeed,
    Operation,
)
from ecoprod.planning.rules import StudentFacts
from ecoprod.planning.views.blueprint import bp, flash_warnings
from ecoprod.slots import HalfDay, bit, day_bits, half_days, slot_label, week_start
from ecoprod.students.models import Student
from ecoprod.web.feedback import flash_refusal
from ecoprod.web.forms import ActionForm
from ecoprod.web.links import link_pattern
from ecoprod.workshops.models import Workshop

# --- Index -----------------------------------------------------------------------------------


def _week_param() -> date:
    return week_start(date_arg("week") or local_today())


def _board_page(workshop: Workshop, monday: date, can_manage: bool, feed: CalendarFeed | None) -> str:
    """The weekly board and the 12-week load chart, the school's time read once for both."""
    weeks = [week_start(local_today()) + timedelta(weeks=i) for i in range(12)]
    if weeks[0] <= monday <= weeks[-1]:
        loaded = services.workshop_time(workshop, weeks[0], weeks[-1] + timedelta(days=6))
    else:
        loaded = services.workshop_time(workshop, monday, monday + timedelta(days=6))
    load = services.weekly_load(workshop, weeks, loaded)
    week = (
        next((row for row in load if row[0] == monday), None)
        or services.weekly_load(workshop, [monday], loaded)[0]
    )
    return render_template(
        "planning/board.html",
        load=charts.load_chart(load),
        feed=feeds.feed_link(feed, workshop),
        **_board_context(workshop, monday, loaded, week[1], week[2], can_manage),
    )


@dataclass(frozen=True)
class BoardChip:
    label: str  # order reference · operation
    conflict: bool
    operation_url: str
    move_url: str


@dataclass(frozen=True)
class BoardCell:
    available: bool
    chips: tuple[BoardChip, ...]
    span: int = 1  # empty cells come in runs of the same kind, written at once


@functools.lru_cache(maxsize=32)
def _empty(available: bool, span: int) -> BoardCell:
    """Most cells are empty: shared runs rather than one object per student and half-day."""
    return BoardCell(available, (), span)


def _board_context(
    workshop: Workshop,
    monday: date,
    loaded: services.WorkshopTime,
    capacity: Decimal,
    planned: Decimal,
    can_manage: bool,
) -> dict[str, Any]:
    friday = monday + timedelta(days=4)
    students, time, facts = loaded.students, loaded.time, loaded.facts
    slots = list(half_days(monday, friday))
    operation_url = link_pattern("planning.operation", "operation_id")
    move_url = link_pattern("planning.move_form", "assignment_id")
    # The week's half-days are bits 0 (Monday morning) to 9 (Friday afternoon), as in the
    # weekly patterns: a student's availability is one mask, a cell one bit of it.
    closed = sum(day_bits(d) for d in range(5) if monday + timedelta(days=d) in time.closed)
    open_week = workshop.open_pattern & ~closed
    column = {slot: i for i, slot in enumerate(slots)}
    chips: dict[int, dict[int, list[BoardChip]]] = defaultdict(lambda: defaultdict(list))
    for a in services.week_assignments(workshop, monday, loaded):
        chips[a.student_id][column[a.slot]].append(
            BoardChip(
                a.label,
                a.conflict,
                operation_url.format(operation_id=a.operation_id),
                move_url.format(assignment_id=a.id),
            )
        )
    rows = []
    free = [0] * len(slots)
    for student in students:
        f = facts[student.id]
        available = f.pattern & open_week & ~_absent_bits(f, monday, friday)
        taken = chips.get(student.id, {})
        for i in range(len(slots)):
            if available >> i & 1 and i not in taken:
                free[i] += 1
        rows.append((student, student.is_minor_on(monday), _row(available, taken, len(slots))))
    return {
        "workshop": workshop,
        "monday": monday,
        "slots": [(slot, bool(open_week & slot.bit)) for slot in slots],
        "rows": rows,
        "closed": time.closed,
        "free": free,
        "capacity": capacity,
        "planned": planned,
        "can_manage": can_manage,
        "prev_week": monday - timedelta(days=7),
        "next_week": monday + timedelta(days=7),
    }


def _absent_bits(f: StudentFacts, monday: date, friday: date) -> int:
    """The half-days of the week the student is absent, as bits."""
    bits = 0
    for start, end, half in f.absences:
        day = max(start, monday)
        while day <= min(end, friday):
            bits |= day_bits(day.weekday()) if half is None else bit(day.weekday(), half)
            day += timedelta(days=1)
    return bits


def _row(available: int, taken: dict[int, list[BoardChip]], width: int) -> list[BoardCell]:
    """A student's cells: one per half-day with chips, one per run of like empty cells."""
    cells = []
    i = 0
    while i < width:
        if i in taken:
            cells.append(BoardCell(bool(available >> i & 1), tuple(taken[i])))
            i += 1
            continue
        j = i + 1
        while j < width and j not in taken and (available >> j & 1) == (available >> i & 1):
            j += 1
        cells.append(_empty(bool(available >> i & 1), j - i))
        i = j
    return cells


@bp.get("/planning/workshops/<int:workshop_id>")
@staff_required
def board(workshop_id: int) -> str:
    workshop, can_manage, feed = access.board_workshop_or_404(workshop_id, current_user)
    return _board_page(workshop, _week_param(), can_manage, feed)


def _movable(assignment_id: int) -> Assignment:
    assignment = db.get_or_404(Assignment, assignment_id)
    access.require(
        access.can_manage_workshop(current_user, assignment.operation.workshop)
        or access.can_manage_operation(current_user, assignment.operation)
    )
    return assignment


@bp.get("/planning/assignments/<int:assignment_id>/move")
@staff_required
def move_form(assignment_id: int) -> str:
    """Where to move an assignment: a fragment for the board (htmx), or a page of its own."""
    a = _movable(assignment_id)
    monday = week_start(a.day)
    context = {
        "a": a,
        "student_choices": options(
            (s.id, s.full_name) for s in access.workshop_students(a.operation.workshop)
        ),
        "slot_choices": options(
            (slot.key(), slot_label(slot)) for slot in half_days(monday, monday + timedelta(days=4))
        ),
    }
    if request.headers.get("HX-Request"):
        return render_template("planning/_move_form.html", **context)
    return render_template("planning/move.html", **context)


@bp.post("/planning/assignments/<int:assignment_id>/move")
@staff_required
def move(assignment_id: int) -> Any:
    assignment = _movable(assignment_id)
    workshop = assignment.operation.workshop
    form = MoveForm(prefix=f"move{assignment.id}")
    students = access.workshop_students(workshop)
    form.student_id.choices = [SelectChoice(None, ""), *options((s.id, s.full_name) for s in students)]
    monday = week_start(assignment.day)
    form.slot.choices = [
        SelectChoice("", ""),
        *(SelectChoice(slot.key(), slot.key()) for slot in half_days(monday, monday + timedelta(days=4))),
    ]
    if form.validate_on_submit():
        student = access.student_or_404(form.student_id.data) if form.student_id.data else assignment.student
        slot = HalfDay.parse(form.slot.data) if form.slot.data else assignment.slot
        try:
            warnings = services.move_assignment(assignment, student, slot, current_user)
        except services.PlanningError as exc:
            db.session.rollback()
            flash(_("Move refused:"), "error")
            flash_refusal(exc)
        else:
            db.session.commit()
            flash(_("Moved."), "success")
            flash_warnings(warnings)
    target = url_for("planning.board", workshop_id=workshop.id, week=monday.isoformat())
    if request.headers.get("HX-Request"):
        can_manage = access.can_manage_workshop(current_user, workshop)
        return _board_page(workshop, monday, can_manage, feeds.find(current_user, workshop=workshop))
    return redirect(target)


@bp.get("/planning/workshops/<int:workshop_id>/gantt")
@staff_required
def workshop_gantt(workshop_id: int) -> str:
    workshop = access.load_workshop_or_404(workshop_id, current_user)
    start = week_start(local_today())
    operations = list(
        db.session.scalars(
            sa.select(Operation)
            .where(Operation.workshop_id == workshop.id, Operation.assignments.any(Assignment.day >= start))
            .options(
                sa.orm.selectinload(Operation.assignments),
                sa.orm.joinedload(Operation.order),
                sa.orm.joinedload(Operation.workshop),
            )
            .order_by(Operation.order_id, Operation.position)
        )
    )
    rows = [
        (
            f"{op.order.reference} · {op.name}",
            op.order.title,
            min(a.day for a in op.assignments),
            max(a.day for a in op.assignments),
            op.status.tone,
            url_for("planning.operation", operation_id=op.id),
        )
        for op in operations
    ]
    return render_template(
        "planning/gantt.html",
        title=workshop.name,
        gantt=charts.gantt(rows, local_today()),
        back=url_for("planning.board", workshop_id=workshop.id),
    )


def _digest(proposal: Any) -> str:
    text = ";".join(
        f"{o}:{s}:{slot.key()}"
        for o, s, slot in sorted(proposal.assignments, key=lambda a: (a[0], a[1], a[2]))
    )
    return hashlib.sha256(text.encode()).hexdigest()


@bp.route("/planning/workshops/<int:workshop_id>/autoplan", methods=["GET", "POST"])
@staff_required
def autoplan(workshop_id: int) -> Any:
    workshop = access.workshop_to_manage(workshop_id, current_user)
    proposal, operations = services.propose(workshop)
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        if request.form.get("digest") != _digest(proposal):
            flash(_("The planning changed while you were reviewing it: here is the new proposal."), "warning")
        elif not proposal.assignments:
            flash(_("Nothing to apply."), "info")
        else:
            try:
                count = services.apply_proposal(workshop, proposal, current_user)
            except services.PlanningError as exc:
                db.session.rollback()
                flash_refusal(exc)
            else:
                db.session.commit()
                flash(_("%(count)s half-days planned.", count=count), "success")
                return redirect(url_for("planning.board", workshop_id=workshop.id))
    students = {s.id: s for s in access.workshop_students(workshop)}
    rows: dict[int, list[tuple[Student, HalfDay]]] = {}
    for op_id, student_id, slot in proposal.assignments:
        rows.setdefault(op_id, []).append((students[student_id], slot))
    return render_template(
        "planning/autoplan.html",
        workshop=workshop,
        proposal=proposal,
        operations=operations,
        rows=rows,
        digest=_digest(proposal),
        form=form,
    )
