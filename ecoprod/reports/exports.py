"""A report as a spreadsheet (one sheet per table; texts typed as texts, never formulas;
amounts, hours and dates as numbers and dates) and as a PDF (WeasyPrint, ``pdf.render_pdf``)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from ecoprod.csvsafe import safe_cell
from ecoprod.i18n import gettext as _
from ecoprod.reports.services import Margin, NetworkReport, SchoolReport
from ecoprod.reports.services.report import TradeLine
from ecoprod.web.listexport import xlsx_cell
from ecoprod.workshops.models import Trade


def _cell(sheet: Any, value: object) -> WriteOnlyCell:
    if value is not None and not isinstance(value, (int, float, Decimal, date)):
        value = safe_cell(value)  # and a text starting with "=" shown with its apostrophe
    return xlsx_cell(sheet, value)


def _sheet(book: Workbook, title: str, header: Sequence[str], lines: Iterable[Sequence[object]]) -> None:
    sheet = book.create_sheet(title=safe_cell(title)[:31])
    sheet.append([_cell(sheet, h) for h in header])
    for line in lines:
        sheet.append([_cell(sheet, v) for v in line])


def _saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def trade_name(trade: Trade | None) -> str:
    return trade.label if trade else _("Not tied to a workshop")


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _margin_header() -> list[str]:
    return [
        _("Quoted hours"),
        _("Planned hours"),
        _("Logged hours"),
        _("Learning-time ratio"),
        _("Quote excl. VAT"),
        _("Material quoted"),
        _("Material cost"),
        _("Material: quoted minus cost"),
    ]


def _margin_cells(m: Margin) -> list[object]:
    return [
        m.quoted_hours,
        m.planned_hours,
        m.logged_hours,
        m.learning_ratio,
        m.quoted_net,
        m.material_quoted,
        m.material_cost,
        m.material_gap,
    ]


def _trades_sheet(book: Workbook, lines: Iterable[tuple[object, TradeLine]], school_column: bool) -> None:
    head = [_("Trade"), _("Orders received"), _("Revenue excl. VAT"), _("Hours logged"), _("Students")]
    _sheet(
        book,
        _("Trades"),
        ([_("School")] if school_column else []) + head,
        (
            ([school] if school_column else [])
            + [trade_name(t.trade), t.orders, t.revenue, t.hours, t.students]
            for school, t in lines
        ),
    )


def school_xlsx(report: SchoolReport, school_name: str) -> bytes:
    a, t, m = report.activity, report.training, report.margins
    book = Workbook(write_only=True)
    _sheet(
        book,
        _("Summary"),
        [_("Figure"), _("Value")],
        [
            [_("School"), school_name],
            [_("School year"), report.year.label],
            [_("Orders received"), a.orders],
            [_("Revenue excl. VAT"), a.revenue],
            [_("Customers served"), a.customers_served],
            [_("Orders delivered (with a promised date)"), a.delivered],
            [_("Delivered on time"), a.on_time],
            [_("Delivered on time (%)"), report.on_time_percent],
            [_("Hours logged"), t.hours],
            [_("Students who logged hours"), t.students_with_hours],
            [_("Average hours per student"), t.average_hours],
            [_("Competences signed off"), t.signoffs],
            [_("Students at regulated machines"), t.regulated_students],
            [_("Of whom minors"), t.regulated_minors],
            [_("Minors not covered every day"), t.regulated_not_covered],
            [_("Learning-time ratio"), m.total.learning_ratio],
        ],
    )
    untied = _("Not tied to a workshop")
    _sheet(
        book,
        _("Workshops"),
        [_("Workshop"), _("Trade"), _("Orders received"), _("Revenue excl. VAT")],
        ([w.name or untied, trade_name(w.trade), w.orders, w.revenue] for w in a.workshops),
    )
    _trades_sheet(book, ((None, line) for line in report.trades), school_column=False)
    _sheet(
        book,
        _("Students"),
        [_("Student"), _("Trade"), _("Hours logged"), _("Operations")],
        ([s.name, s.trade.label, s.hours, s.operations] for s in t.per_student),
    )
    _sheet(
        book,
        _("Competences"),
        [_("Diploma"), _("Sign-offs"), _("Students"), _("Competences")],
        ([d.diploma or _("No diploma"), d.signoffs, d.students, d.competences] for d in t.diplomas),
    )
    _sheet(
        book,
        _("Regulated machines"),
        [
            _("Student"),
            _("Machine"),
            _("Half-days"),
            _("First day"),
            _("Last day"),
            _("Minor"),
            _("Safety training"),
            _("Derogation"),
        ],
        (
            [
                w.name,
                w.machine,
                w.half_days,
                w.first_day,
                w.last_day,
                yes_no(w.minor),
                yes_no(w.trained),
                w.coverage_label,
            ]
            for w in t.regulated
        ),
    )
    _sheet(
        book,
        _("Margins per order"),
        [_("Order"), _("Title"), _("Customer"), *_margin_header()],
        ([o.reference, o.title, o.customer, *_margin_cells(o.margin)] for o in m.orders),
    )
    names = report.workshop_names
    _sheet(
        book,
        _("Margins per workshop"),
        [_("Workshop"), *_margin_header()],
        (
            [names.get(w.workshop_id, untied) if w.workshop_id else untied, *_margin_cells(w.margin)]
            for w in m.workshops
        ),
    )
    return _saved(book)


def network_xlsx(report: NetworkReport) -> bytes:
    book = Workbook(write_only=True)
    head = [
        _("School"),
        _("Orders received"),
        _("Revenue excl. VAT"),
        _("Customers served"),
        _("Orders delivered (with a promised date)"),
        _("Delivered on time"),
        _("Hours logged"),
        _("Students who logged hours"),
        _("Average hours per student"),
        _("Competences signed off"),
        _("Minors at regulated machines"),
        _("Minors not covered every day"),
        *_margin_header(),
    ]

    def line(name: str, a: Any, t: Any, margin: Margin) -> list[object]:
        """A school's row (its activity and training), or the total's (the report itself)."""
        return [
            name,
            a.orders,
            a.revenue,
            a.customers_served,
            a.delivered,
            a.on_time,
            t.hours,
            t.students_with_hours,
            t.average_hours,
            t.signoffs,
            t.regulated_minors,
            t.regulated_not_covered,
            *_margin_cells(margin),
        ]

    lines = [line(r.name, r.activity, r.training, r.margin) for r in report.schools]
    totals = line(_("The whole network"), report, report, report.margin)
    _sheet(book, _("Schools"), head, [*lines, totals])
    _trades_sheet(book, ((r.name, t) for r in report.schools for t in r.trades), school_column=True)
    _sheet(
        book,
        _("Competences"),
        [_("School"), _("Diploma"), _("Sign-offs"), _("Students"), _("Competences")],
        (
            [r.name, d.diploma or _("No diploma"), d.signoffs, d.students, d.competences]
            for r in report.schools
            for d in r.training.diplomas
        ),
    )
    return _saved(book)
