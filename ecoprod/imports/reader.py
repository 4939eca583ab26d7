"""A spreadsheet a school already keeps, read as rows of text: CSV (any of ``;`` ``,`` or tab,
UTF-8 or Windows-1252, as Excel writes it) or XLSX (its first sheet, through openpyxl).

The kind is judged by content, never by name: an XLSX is a ZIP that openpyxl can open, a
CSV is text without NUL characters. Cells come back as they were typed: text stripped,
dates from XLSX as ``date``, whole numbers without ``.0``. The header row is the first
non-empty one; rows that are wholly empty are skipped but keep their line number, so a
problem is reported on the line the spreadsheet shows.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ecoprod.i18n import lazy_gettext as _l
from ecoprod.storage import UploadRefused

MAX_BYTES = 8 * 1024 * 1024
MAX_ROWS = 20_000

Cell = str | date | None


@dataclass(frozen=True)
class Row:
    line: int  # as the spreadsheet numbers it (the header is line 1 in a fresh template)
    cells: dict[str, Cell]  # header (as written) → value


@dataclass(frozen=True)
class Sheet:
    headers: list[str]
    rows: list[Row]


def is_xlsx(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04")


def read(data: bytes) -> Sheet:
    """The rows of a CSV or XLSX file, or ``UploadRefused`` saying what is wrong with it."""
    if not data:
        raise UploadRefused(_l("The file is empty."))
    if len(data) > MAX_BYTES:
        raise UploadRefused(_l("The file is too large: %(limit)s MB at most.", limit=MAX_BYTES // 2**20))
    if not is_xlsx(data):
        return _sheet(_csv_lines(data))
    try:
        return _sheet(_xlsx_lines(data))
    except UploadRefused:
        raise
    except Exception as exc:  # a damaged sheet inside a sound ZIP: XML, styles, shared strings
        raise UploadRefused(_l("This file is not a readable XLSX workbook.")) from exc


def _sheet(lines: Iterator[tuple[int, list[Cell]]]) -> Sheet:
    headers: list[str] | None = None
    rows: list[Row] = []
    for number, values in lines:
        if all(value in (None, "") for value in values):
            continue
        if headers is None:
            headers = [str(value or "").strip() for value in values]
            if len({h for h in headers if h}) != len([h for h in headers if h]):
                raise UploadRefused(_l("Two columns of the first row have the same title."))
            continue
        if len(rows) >= MAX_ROWS:
            raise UploadRefused(_l("The file has more than %(count)s rows: split it.", count=MAX_ROWS))
        cells = {header: values[i] if i < len(values) else None for i, header in enumerate(headers) if header}
        rows.append(Row(number, cells))
    if headers is None or not rows:
        raise UploadRefused(_l("The file has no rows."))
    return Sheet([h for h in headers if h], rows)


def _text(value: str) -> str | None:
    value = value.strip()
    return value or None


def _csv_lines(data: bytes) -> Iterator[tuple[int, list[Cell]]]:
    if b"\x00" in data:
        raise UploadRefused(_l("This is neither a CSV nor an XLSX file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on a French Windows
    first = text[:4096].split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for values in reader:
            yield reader.line_num, [_text(value) for value in values]
    except csv.Error as exc:
        raise UploadRefused(
            _l("The CSV file cannot be read near line %(line)s.", line=reader.line_num)
        ) from exc


def _xlsx_value(value: Any) -> Cell:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _text(str(value))


def _xlsx_lines(data: bytes) -> Iterator[tuple[int, list[Cell]]]:
    from openpyxl import load_workbook  # imported on use: the web pages never need it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise UploadRefused(_l("This file is not a readable XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_xlsx_value(value) for value in values]
    finally:
        workbook.close()
