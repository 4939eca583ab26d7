"""The administrator's dashboard: receivables, overdue, revenue, on-time deliveries."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ecoprod.accounts.permissions import admin_required
from ecoprod.invoicing import figures as dashboard_figures
from ecoprod.invoicing.views.blueprint import bp
from ecoprod.panels import panels_for


@bp.get("/dashboard")
@admin_required
def dashboard() -> str:
    figures = dashboard_figures.figures()
    top = max((amount for _, amount in figures.months), default=0) or 1
    return render_template(
        "invoicing/dashboard.html",
        f=figures,
        top=top,
        user=current_user,
        panels=panels_for("dashboard", current_user),
    )
