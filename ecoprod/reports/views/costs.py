"""The material an order cost, recorded by the school's staff from the order page."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ecoprod.accounts.permissions import staff_required
from ecoprod.extensions import db
from ecoprod.i18n import gettext as _
from ecoprod.orders import access as orders_access
from ecoprod.reports import access, services
from ecoprod.reports.panels import cost_form
from ecoprod.reports.views.blueprint import bp
from ecoprod.web.feedback import show_on_form
from ecoprod.web.forms import ActionForm


def _back(order_id: int) -> Response:
    return redirect(url_for("orders.detail", order_id=order_id, _anchor="margins"))


@bp.post("/requests/<int:order_id>/material-costs")
@staff_required
def record_cost(order_id: int) -> Any:
    order = orders_access.load_order_or_404(order_id, current_user)
    form = cost_form(bound=True)
    if form.validate_on_submit():
        try:
            services.record(order, form.to_input(), current_user)
        except services.CostError as exc:
            db.session.rollback()
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Material cost recorded."), "success")
            return _back(order.id)
    return render_template("reports/material_cost.html", order=order, form=form), 400


@bp.post("/requests/<int:order_id>/material-costs/<int:cost_id>/delete")
@staff_required
def delete_cost(order_id: int, cost_id: int) -> Response:
    order = orders_access.load_order_or_404(order_id, current_user)
    cost = access.load_cost_or_404(cost_id, current_user)
    access.check_cost_of(cost, order)
    if ActionForm().validate_on_submit():
        services.remove(cost, order)
        db.session.commit()
        flash(_("Material cost removed."), "success")
    return _back(order.id)
