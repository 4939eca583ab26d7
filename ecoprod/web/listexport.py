"""A list page's rows as a file: ``?export=csv`` or ``?export=xlsx`` on the page's own address
gives every row its filters, search and tab select (not only the page shown), in the page's
order, with the columns the list names.

The same view answers, so the same access rules apply: a customer's export holds what its
page lists and nothing more. Texts are formula-safe: in CSV through ``csvsafe`` (a leading
apostrophe, one line per cell); in XLSX typed as strings, never formulas. Numbers, amounts
and dates stay numbers and dates in XLSX; in CSV they are written the French way (``;``,
decimal comma, ``dd/mm/yyyy``) with the BOM spreadsheets need to read UTF-8.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Response, request
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from ecoprod.csvsafe import csv_line, safe_cell
from ecoprod.extensions import db
from ecoprod.i18n import SCHOOL_TIMEZONE, local_today
from ecoprod.text import one_line
from ecoprod.web.keyset import Key

FORMATS = ("csv", "xlsx")
MAX_ROWS = 100_000  # a school's list, whole; beyond, the accountant's exports are the tool
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: Any  # a (lazy) translated string
    value: Callable[[Any], object]  # str, int, Decimal, date, datetime or None


def requested() -> str | None:
    """The format asked for by ``?export=``, if it is one."""
    fmt = request.args.get("export")
    return fmt if fmt in FORMATS else None


def _csv_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(SCHOOL_TIMEZONE).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, bool):
        return "oui" if value else "non"
    return value


def xlsx_cell(sheet: Any, value: object) -> Any:
    """A cell of a write-only sheet: texts typed as texts, dates and amounts formatted."""
    if isinstance(value, datetime):
        value = value.astimezone(SCHOOL_TIMEZONE).replace(tzinfo=None)
    elif value is not None and not isinstance(value, (int, float, Decimal, date)):
        value = one_line(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # a text starting with "=" stays a text, never a formula
    elif isinstance(value, datetime):
        cell.number_format = "DD/MM/YYYY HH:MM"
    elif isinstance(value, date):
        cell.number_format = "DD/MM/YYYY"
    elif isinstance(value, Decimal):
        cell.number_format = "#,##0.00"
    return cell


def rows_of(stmt: sa.Select[Any], keys: Sequence[Key]) -> Iterable[Any]:
    """Every row of the list, in its order (its keyset keys)."""
    ordered = stmt.order_by(*(key.ordering() for key in keys)).limit(MAX_ROWS)
    return db.session.scalars(ordered).unique()


def respond(rows: Iterable[Any], columns: Sequence[Column], fmt: str, name: str) -> Response:
    """The rows as ``<name>-<date>.csv`` or ``.xlsx``, an attachment."""
    filename = f"{name}-{local_today().isoformat()}.{fmt}"
    headers = {"Content-Disposition": f"attachment; filename={filename}"}
    if fmt == "csv":
        lines = [csv_line(str(c.header) for c in columns)]
        lines += [csv_line(_csv_value(c.value(row)) for c in columns) for row in rows]
        return Response("\ufeff" + "".join(lines), mimetype="text/csv", headers=headers)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=name[:31])
    sheet.append([xlsx_cell(sheet, safe_cell(str(c.header))) for c in columns])
    for row in rows:
        sheet.append([xlsx_cell(sheet, c.value(row)) for c in columns])
    out = io.BytesIO()
    book.save(out)
    return Response(out.getvalue(), mimetype=XLSX, headers=headers)
