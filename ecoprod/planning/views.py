"""Planning pages: operations of an order, the workshop board, auto-plan, progress, feeds."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ecoprod.accounts.permissions import school_member_required, staff_required
from ecoprod.extensions import db
from ecoprod.forms import BaseForm, options
from ecoprod.i18n import gettext as _
from ecoprod.i18n import local_today, number
from ecoprod.orders import access as orders_access
from ecoprod.orders.models import Order
from ecoprod.params import date_arg
from ecoprod.planning import access, charts, services
from ecoprod.planning.forms import (
    ApplyTemplateForm,
    AssignForm,
    MoveForm,
    OperationForm,
    PhotoForm,
    ProgressForm,
    SignoffForm,
    TemplateForm,
    TimeLogForm,
    operation_form,
)
from ecoprod.planning.models import (
    Assignment,
    Competence,
    Operation,
    OperationKind,
    OperationPhoto,
    OperationStatus,
    QualityResult,
    RoutingTemplate,
)
from ecoprod.planning.rules import OperationFacts, slot_refusals
from ecoprod.slots import HalfDay, half_days, in_pattern, slot_label, week_start
from ecoprod.storage import IMAGE_KINDS, UploadRefused, file_store, inspect_upload, without_metadata
from ecoprod.students.models import Student
from ecoprod.web.feedback import flash_refusal, show_on_form
from ecoprod.web.forms import ActionForm
from ecoprod.workshops.models import Machine, Workshop

bp = Blueprint("planning", __name__)
bp.add_app_template_global(slot_label)


def flash_form_errors(form: BaseForm) -> None:
    """For the small forms of a busy page that redirect back to it: each error, its field named."""
    for field, errors in form.errors.items():
        flash(f"{form[field].label.text}: {' '.join(map(str, errors))}", "error")


def _flash_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        flash(warning, "warning")


# --- Index -----------------------------------------------------------------------------------


@bp.get("/planning")
@staff_required
def index() -> str:
    workshops = list(
        db.session.scalars(sa.select(Workshop).where(Workshop.archived_at.is_(None)).order_by(Workshop.name))
    )
    mine = {w.id for w in current_user.workshops}
    workshops.sort(key=lambda w: (w.id not in mine, w.name))
    counts = dict(
        db.session.execute(
            sa.select(Operation.workshop_id, sa.func.count())
            .where(Operation.status == OperationStatus.TODO)
            .group_by(Operation.workshop_id)
        ).all()
    )
    return render_template("planning/index.html", workshops=workshops, mine=mine, todo=counts)


# --- Operations of an order ------------------------------------------------------------------


def _operation_input(form: OperationForm) -> services.OperationInput:
    return services.OperationInput(
        workshop_id=form.workshop_id.data,
        kind=OperationKind(form.kind.data),
        name=form.name.data,
        estimated_hours=form.estimated_hours.data,
        difficulty=form.difficulty.data,
        machine_id=form.machine_id.data or None,
        competence_ids=form.competence_ids.data or [],
    )


@bp.post("/requests/<int:order_id>/operations")
@staff_required
def add_operation(order_id: int) -> Any:
    order = orders_access.load_order_or_404(order_id, current_user)
    access.require(access.can_plan_order(current_user, order))
    form = operation_form(order, current_user, prefill=request.method == "GET")
    if form.validate_on_submit():
        try:
            services.add_operation(order, _operation_input(form))
        except services.PlanningError as exc:
            db.session.rollback()
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("The operation has been added."), "success")
            return redirect(url_for("orders.detail", order_id=order.id, _anchor="operations"))
    # Errors are shown beside their fields, on a page of their own.
    return render_template("planning/operation_form.html", form=form, order=order, operation=None), 400


@bp.route("/operations/<int:operation_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_operation(operation_id: int) -> Any:
    operation = access.operation_or_404(operation_id)
    access.require(access.can_manage_operation(current_user, operation))
    form = operation_form(operation.order, current_user, operation, prefill=request.method == "GET")
    if form.validate_on_submit():
        try:
            services.update_operation(operation, _operation_input(form))
        except services.PlanningError as exc:
            db.session.rollback()
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("The operation has been saved."), "success")
            return redirect(url_for("planning.operation", operation_id=operation.id))
    return render_template(
        "planning/operation_form.html", form=form, order=operation.order, operation=operation
    ), 400 if form.is_submitted() else 200


@bp.post("/operations/<int:operation_id>/delete")
@staff_required
def delete_operation(operation_id: int) -> Response:
    operation = access.operation_or_404(operation_id)
    access.require(access.can_manage_operation(current_user, operation))
    order_id = operation.order_id
    try:
        services.delete_operation(operation)
    except services.PlanningError as exc:
        db.session.rollback()
        flash_refusal(exc)
        return redirect(url_for("planning.operation", operation_id=operation_id))
    db.session.commit()
    flash(_("The operation has been deleted."), "success")
    return redirect(url_for("orders.detail", order_id=order_id, _anchor="operations"))


@bp.post("/operations/<int:operation_id>/move")
@staff_required
def reorder_operation(operation_id: int) -> Response:
    operation = access.operation_or_404(operation_id)
    access.require(access.can_manage_operation(current_user, operation))
    services.move_operation(operation, -1 if request.form.get("direction") == "up" else 1)
    db.session.commit()
    return redirect(url_for("orders.detail", order_id=operation.order_id, _anchor="operations"))


@bp.post("/requests/<int:order_id>/routing")
@staff_required
def apply_routing(order_id: int) -> Response:
    order = orders_access.load_order_or_404(order_id, current_user)
    access.require(access.can_plan_order(current_user, order))
    form = ApplyTemplateForm(prefix="routing")
    form.template_id.choices = options((t.id, t.name) for t in db.session.scalars(sa.select(RoutingTemplate)))
    if form.validate_on_submit():
        template = db.get_or_404(RoutingTemplate, form.template_id.data)
        try:
            services.apply_template(order, template)
        except services.PlanningError as exc:
            db.session.rollback()
            flash_refusal(exc)
        else:
            db.session.commit()
            flash(_("The routing “%(name)s” has been applied.", name=template.name), "success")
    else:
        flash(_("Choose a routing."), "error")
    return redirect(url_for("orders.detail", order_id=order.id, _anchor="operations"))


@bp.post("/requests/<int:order_id>/routing/save")
@staff_required
def save_routing(order_id: int) -> Response:
    order = orders_access.load_order_or_404(order_id, current_user)
    access.require(access.can_plan_order(current_user, order))
    form = TemplateForm(prefix="template")
    operations = services.operations_of(order)
    if form.validate_on_submit() and operations:
        template = services.save_routing(operations, form.name.data)
        db.session.commit()
        flash(_("The routing “%(name)s” has been saved for later orders.", name=template.name), "success")
    else:
        flash(_("Give the routing a name."), "error")
    return redirect(url_for("orders.detail", order_id=order.id, _anchor="operations"))


@bp.get("/requests/<int:order_id>/gantt")
@staff_required
def order_gantt(order_id: int) -> str:
    order = orders_access.load_order_or_404(order_id, current_user)
    operations = list(
        db.session.scalars(
            sa.select(Operation)
            .where(Operation.order_id == order.id)
            .order_by(Operation.position)
            .options(sa.orm.selectinload(Operation.assignments), sa.orm.joinedload(Operation.workshop))
        )
    )
    return render_template(
        "planning/gantt.html",
        title=order.reference + " · " + order.title,
        gantt=_gantt(operations),
        back=url_for("orders.detail", order_id=order.id),
    )


def _gantt(operations: list[Operation]) -> charts.Gantt | None:
    rows = [
        (
            f"{op.position}. {op.name}",
            op.workshop.name,
            min(a.day for a in op.assignments),
            max(a.day for a in op.assignments),
            op.status.tone,
            url_for("planning.operation", operation_id=op.id),
        )
        for op in operations
        if op.assignments
    ]
    return charts.gantt(rows, local_today())


# --- One operation ----------------------------------------------------------------------------


def _slot_choices(start: date, weeks: int = 4) -> list[SelectChoice]:
    end = start + timedelta(weeks=weeks)
    return [
        SelectChoice(slot.key(), slot_label(slot)) for slot in half_days(start, end) if slot.day.weekday() < 5
    ]


@bp.get("/operations/<int:operation_id>")
@staff_required
def operation(operation_id: int) -> str:
    op = access.operation_or_404(operation_id)
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
    op = access.operation_or_404(operation_id)
    access.require(access.can_manage_operation(current_user, op))
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
            _flash_warnings(warnings)
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
    op = access.operation_or_404(operation_id)
    access.require(access.can_manage_operation(current_user, op))
    form = _time_form(op, access.workshop_students(op.workshop))
    if form.validate_on_submit():
        student = access.student_or_404(form.student_id.data)
        try:
            services.log_time(op, student, form.day.data, form.hours.data, current_user, form.note.data)
        except services.PlanningError as exc:
            db.session.rollback()
            flash_refusal(exc)
        else:
            db.session.commit()
            flash(
                _("%(hours)s h logged for %(name)s.", hours=number(form.hours.data), name=student.full_name),
                "success",
            )
            _warn_if_late(op.order)
    else:
        flash_form_errors(form)
    return redirect(url_for("planning.operation", operation_id=op.id))


def _warn_if_late(order: Order) -> None:
    if services.late_risk(order):
        services.notify_late(order)
        db.session.commit()
        flash(_("Late risk: the remaining hours no longer fit before the promised date."), "warning")


@bp.post("/operations/<int:operation_id>/progress")
@staff_required
def progress(operation_id: int) -> Response:
    op = access.operation_or_404(operation_id)
    access.require(access.can_manage_operation(current_user, op))
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
    op = access.operation_or_404(operation_id)
    access.require(access.can_manage_operation(current_user, op))
    form = PhotoForm()
    if form.validate_on_submit():
        upload = form.photo.data
        try:
            image = without_metadata(
                inspect_upload(
                    upload.stream, upload.filename, IMAGE_KINDS, current_app.config["UPLOAD_MAX_BYTES"]
                )
            )
        except UploadRefused as exc:
            flash_refusal(exc)
        else:
            stored = file_store().save(op.school_id, image.data, db.session)
            op.photos.append(
                OperationPhoto(
                    school_id=op.school_id,
                    stored_name=stored,
                    content_type=image.kind.content_type,
                    caption=form.caption.data,
                    shared_with_customer=form.shared.data,
                    uploaded_by_id=current_user.id,
                )
            )
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
    photo.shared_with_customer = not photo.shared_with_customer
    db.session.commit()
    return redirect(url_for("planning.operation", operation_id=photo.operation_id))


@bp.get("/photos/<int:photo_id>")
@school_member_required
def photo(photo_id: int) -> Response:
    """Staff see every photo; a customer only those shared, of their own orders."""
    item = db.get_or_404(OperationPhoto, photo_id)
    if current_user.is_customer:
        order = orders_access.load_order_or_404(item.operation.order_id, current_user)
        if not item.shared_with_customer or order.id != item.operation.order_id:
            abort(404)
    elif not current_user.is_staff:
        abort(403)
    response = send_file(
        file_store().path(item.school_id, item.stored_name), mimetype=item.content_type, max_age=3600
    )
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.post("/operations/<int:operation_id>/signoff")
@staff_required
def signoff(operation_id: int) -> Response:
    op = access.operation_or_404(operation_id)
    access.require(access.can_manage_operation(current_user, op))
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


# --- The workshop board --------------------------------------------------------------------------


def _week_param() -> date:
    return week_start(date_arg("week") or local_today())


def _board_page(workshop: Workshop, monday: date) -> str:
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
        **_board_context(workshop, monday, loaded, week[1], week[2]),
    )


@dataclass(frozen=True)
class BoardChip:
    label: str  # order reference · operation
    conflict: bool
    operation_url: str
    move_url: str


@dataclass
class BoardCell:
    available: bool
    chips: list[BoardChip]


def _url_template(endpoint: str, **values: int) -> str:
    """``url_for`` once, as a ``str.format`` pattern: a busy board builds hundreds of links."""
    return url_for(endpoint, **dict.fromkeys(values, 987654321)).replace("987654321", "{}")


def _board_context(
    workshop: Workshop, monday: date, loaded: services.WorkshopTime, capacity: Decimal, planned: Decimal
) -> dict[str, Any]:
    friday = monday + timedelta(days=4)
    students, time, facts = loaded.students, loaded.time, loaded.facts
    slots = list(half_days(monday, friday))
    # Plain rows rather than ORM objects: a busy week has a chip per student and half-day.
    rows = db.session.execute(
        sa.select(
            Assignment.id,
            Assignment.student_id,
            Assignment.day,
            Assignment.half,
            Operation.id.label("operation_id"),
            Operation.name,
            Operation.difficulty,
            Operation.machine_id,
            Machine.name.label("machine_name"),
            Machine.regulated,
            Order.number,
            Order.id.label("order_id"),
        )
        .join(Operation, Operation.id == Assignment.operation_id)
        .join(Order, Order.id == Operation.order_id)
        .outerjoin(Machine, Machine.id == Operation.machine_id)
        .where(Operation.workshop_id == workshop.id, Assignment.day >= monday, Assignment.day <= friday)
    ).all()
    busy = {(r.student_id, HalfDay(r.day, r.half)) for r in rows}
    if any(r.regulated for r in rows):  # the minors' rule needs the declarations
        time = replace(time, declarations=services.declarations_of(workshop.school_id))
    operation_url = _url_template("planning.operation", operation_id=0)
    move_url = _url_template("planning.move_form", assignment_id=0)
    chips: dict[tuple[int, HalfDay], list[BoardChip]] = defaultdict(list)
    for r in rows:
        slot = HalfDay(r.day, r.half)
        op = OperationFacts(
            id=r.operation_id,
            workshop_id=workshop.id,
            difficulty=r.difficulty,
            machine_id=r.machine_id,
            machine_name=r.machine_name or "",
            machine_regulated=bool(r.regulated),
        )
        conflict = r.student_id in facts and any(
            reason.value != "past"
            for reason in slot_refusals(facts[r.student_id], op, slot, time, busy - {(r.student_id, slot)})
        )
        chips[(r.student_id, slot)].append(
            BoardChip(
                f"{r.number or f'#{r.order_id}'} · {r.name}",
                conflict,
                operation_url.format(r.operation_id),
                move_url.format(r.id),
            )
        )
    open_slot = [slot.day not in time.closed and in_pattern(workshop.open_pattern, slot) for slot in slots]
    rows = []
    free = [0] * len(slots)
    for student in students:
        f = facts[student.id]
        cells = []
        for i, slot in enumerate(slots):
            available = open_slot[i] and in_pattern(f.pattern, slot) and not f.absent(slot)
            taken = chips.get((student.id, slot), [])
            free[i] += available and not taken
            cells.append(BoardCell(available, taken))
        rows.append((student, student.is_minor_on(monday), cells))
    return {
        "workshop": workshop,
        "monday": monday,
        "slots": list(zip(slots, open_slot, strict=True)),
        "rows": rows,
        "closed": time.closed,
        "free": free,
        "capacity": capacity,
        "planned": planned,
        "can_manage": access.can_manage_workshop(current_user, workshop),
        "prev_week": monday - timedelta(days=7),
        "next_week": monday + timedelta(days=7),
    }


@bp.get("/planning/workshops/<int:workshop_id>")
@staff_required
def board(workshop_id: int) -> str:
    return _board_page(access.workshop_or_404(workshop_id), _week_param())


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
            _flash_warnings(warnings)
    target = url_for("planning.board", workshop_id=workshop.id, week=monday.isoformat())
    if request.headers.get("HX-Request"):
        return _board_page(workshop, monday)
    return redirect(target)


@bp.get("/planning/workshops/<int:workshop_id>/gantt")
@staff_required
def workshop_gantt(workshop_id: int) -> str:
    workshop = access.workshop_or_404(workshop_id)
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


# --- Auto-plan -------------------------------------------------------------------------------------


def _digest(proposal: Any) -> str:
    text = ";".join(
        f"{o}:{s}:{slot.key()}"
        for o, s, slot in sorted(proposal.assignments, key=lambda a: (a[0], a[1], a[2]))
    )
    return hashlib.sha256(text.encode()).hexdigest()


@bp.route("/planning/workshops/<int:workshop_id>/autoplan", methods=["GET", "POST"])
@staff_required
def autoplan(workshop_id: int) -> Any:
    workshop = access.workshop_or_404(workshop_id)
    access.require(access.can_manage_workshop(current_user, workshop))
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
