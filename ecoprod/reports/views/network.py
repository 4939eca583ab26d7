"""The network's report for the platform operator: every school's figures, no name of anyone."""

from __future__ import annotations

from flask import Response, render_template

from ecoprod.accounts.permissions import operator_required
from ecoprod.i18n import local_today
from ecoprod.pdf import render_pdf
from ecoprod.reports import exports, services
from ecoprod.reports.views.blueprint import bp
from ecoprod.reports.views.common import asked_year, attachment, network_charts
from ecoprod.web.listexport import XLSX


@bp.get("/platform/reports")
@operator_required
def network() -> str:
    year, offered = asked_year()
    report = services.network_report(year)
    return render_template(
        "reports/network.html", report=report, offered=offered, charts=network_charts(report)
    )


@bp.get("/platform/reports.pdf")
@operator_required
def network_pdf() -> Response:
    year, _offered = asked_year()
    report = services.network_report(year)
    data = render_pdf(
        "pdf/network_report.html", report=report, today=local_today(), charts=network_charts(report)
    )
    return attachment(data, "application/pdf", f"rapport-reseau-{year.label}.pdf")


@bp.get("/platform/reports.xlsx")
@operator_required
def network_xlsx() -> Response:
    year, _offered = asked_year()
    return attachment(
        exports.network_xlsx(services.network_report(year)), XLSX, f"rapport-reseau-{year.label}.xlsx"
    )
