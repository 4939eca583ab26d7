"""The school's yearly activity report: the page, its PDF and its spreadsheet (admins)."""

from __future__ import annotations

from flask import Response, g, render_template

from ecoprod import audit
from ecoprod.accounts.permissions import admin_required
from ecoprod.i18n import local_today
from ecoprod.pdf import render_pdf
from ecoprod.reports import exports, services
from ecoprod.reports.views.blueprint import bp
from ecoprod.reports.views.common import asked_year, attachment, school_charts
from ecoprod.web.listexport import XLSX


@bp.get("/reports/activity")
@admin_required
def school() -> str:
    year, offered = asked_year()
    report = services.school_report(g.school.id, year)
    return render_template(
        "reports/school.html", report=report, offered=offered, charts=school_charts(report), school=g.school
    )


@bp.get("/reports/activity.pdf")
@admin_required
def school_pdf() -> Response:
    year, _offered = asked_year()
    report = services.school_report(g.school.id, year)
    audit.record_view("report.exported", g.school, reference=f"pdf {year.label}")
    data = render_pdf(
        "pdf/activity_report.html",
        report=report,
        school=g.school,
        today=local_today(),
        charts=school_charts(report),
    )
    return attachment(data, "application/pdf", f"rapport-activite-{year.label}.pdf")


@bp.get("/reports/activity.xlsx")
@admin_required
def school_xlsx() -> Response:
    year, _offered = asked_year()
    report = services.school_report(g.school.id, year)
    audit.record_view("report.exported", g.school, reference=f"xlsx {year.label}")
    return attachment(exports.school_xlsx(report, g.school.name), XLSX, f"rapport-activite-{year.label}.xlsx")
