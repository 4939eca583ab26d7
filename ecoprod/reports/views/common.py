"""What the report pages share: the school year asked for, and the files' answers."""

from __future__ import annotations

from flask import Response, request

from ecoprod.i18n import gettext as _
from ecoprod.i18n import local_today, money, number
from ecoprod.reports import exports
from ecoprod.reports.charts import BarChart, bar_chart
from ecoprod.reports.schoolyear import SchoolYear
from ecoprod.reports.services import NetworkReport, SchoolReport

YEARS_OFFERED = 5


def asked_year() -> tuple[SchoolYear, list[SchoolYear]]:
    """``?year=2025`` among the years offered (this one and the four before); else this one."""
    offered = SchoolYear.of(local_today()).previous(YEARS_OFFERED)
    year = SchoolYear.parse(request.args.get("year"), offered[0])
    return (year if year in offered else offered[0]), offered


def attachment(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"}
    )


def school_charts(report: SchoolReport) -> dict[str, BarChart]:
    a, t = report.activity, report.training
    untied = _("Not tied to a workshop")
    return {
        "revenue": bar_chart(
            _("Revenue per workshop (excl. VAT)"),
            [(w.name or untied, w.revenue, money(w.revenue)) for w in a.workshops if w.revenue],
        ),
        "orders": bar_chart(
            _("Orders received per trade"),
            [
                (exports.trade_name(line.trade), line.orders, str(line.orders))
                for line in report.trades
                if line.orders
            ],
        ),
        "hours": bar_chart(
            _("Hours logged per trade"),
            [(exports.trade_name(h.trade), h.hours, f"{number(h.hours)} h") for h in t.trades],
        ),
        "diplomas": bar_chart(
            _("Competences signed off per diploma"),
            [(d.diploma or _("No diploma"), d.signoffs, str(d.signoffs)) for d in t.diplomas],
        ),
    }


def network_charts(report: NetworkReport) -> dict[str, BarChart]:
    return {
        "revenue": bar_chart(
            _("Revenue per school (excl. VAT)"),
            [(r.name, r.activity.revenue, money(r.activity.revenue)) for r in report.schools],
        ),
        "hours": bar_chart(
            _("Hours logged per school"),
            [(r.name, r.training.hours, f"{number(r.training.hours)} h") for r in report.schools],
        ),
    }
