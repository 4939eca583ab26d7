"""Planning pages: the planning home, an order's operations and routings, its Gantt chart."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ecoprod.accounts.permissions import staff_required
from ecoprod.extensions import db
from ecoprod.forms import options
from ecoprod.i18n import gettext as _
from ecoprod.i18n import local_today
from ecoprod.orders import access as orders_access
from ecoprod.planning import access, charts, services
from ecoprod.planning.forms import (
    ApplyTemplateForm,
    OperationForm,
    TemplateForm,
    operation_form,
)
from ecoprod.planning.models import (
    Operation,
    OperationKind,
    OperationStatus,
    RoutingTemplate,
)
from ecoprod.planning.views.blueprint import bp
from ecoprod.web.feedback import flash_refusal, show_on_form
from ecoprod.workshops.models import Workshop

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
    can_autoplan = access.manageable_workshop_ids(current_user, workshops)
    return render_template(
        "planning/index.html", workshops=workshops, mine=mine, todo=counts, can_autoplan=can_autoplan
    )


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
    order = access.order_to_plan(order_id, current_user)
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
    operation = access.operation_to_manage(operation_id, current_user)
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
    operation = access.operation_to_manage(operation_id, current_user)
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
    operation = access.operation_to_manage(operation_id, current_user)
    services.move_operation(operation, -1 if request.form.get("direction") == "up" else 1)
    db.session.commit()
    return redirect(url_for("orders.detail", order_id=operation.order_id, _anchor="operations"))


@bp.post("/requests/<int:order_id>/routing")
@staff_required
def apply_routing(order_id: int) -> Response:
    order = access.order_to_plan(order_id, current_user)
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
    order = access.order_to_plan(order_id, current_user)
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
