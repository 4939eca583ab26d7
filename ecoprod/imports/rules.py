"""A sheet checked row by row against a kind of import, without touching the database:
columns found by their titles, cells turned into what the page's form expects (dates,
yes/no, choices by code or label), every problem kept beside its column, duplicates within
the file reported on their second line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import force_locale

from ecoprod.i18n import lazy_gettext as _l
from ecoprod.imports.kinds.base import BOOL, CHOICE, DATE, Checked, Column, FormPool, Kind, norm
from ecoprod.imports.reader import Cell, Sheet
from ecoprod.storage import UploadRefused

YES = frozenset({"oui", "o", "yes", "y", "x", "1", "vrai", "true"})
NO = frozenset({"non", "n", "no", "0", "faux", "false"})
DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


@dataclass
class RowCheck:
    line: int
    cells: list[str]  # shown in the preview, one per column used
    checked: Checked
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column title, message)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def action(self) -> str:
        if self.problems:
            return "error"
        return "update" if self.checked.match_id is not None else "create"


@dataclass
class Preview:
    columns: list[Column]
    ignored: list[str]
    rows: list[RowCheck]

    @property
    def errors(self) -> list[RowCheck]:
        return [row for row in self.rows if not row.ok]

    @property
    def valid(self) -> list[RowCheck]:
        return [row for row in self.rows if row.ok]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


def titles(column: Column) -> set[str]:
    """The titles a column is recognised by: French or English, any case or accents."""
    found = {norm(column.field)}
    for locale in ("fr", "en"):
        with force_locale(locale):
            found.add(norm(str(column.header)))
    return found


def match_columns(kind: Kind, headers: list[str]) -> tuple[dict[str, Column], list[str]]:
    """The sheet's titles → the kind's columns; ``UploadRefused`` naming a missing one."""
    by_title = {title: column for column in kind.columns for title in titles(column)}
    found: dict[str, Column] = {}
    ignored = []
    for header in headers:
        column = by_title.get(norm(header))
        if column is None or column in found.values():
            ignored.append(header)
        else:
            found[header] = column
    missing = [
        str(column.header) for column in kind.columns if column.required and column not in found.values()
    ]
    if missing:
        raise UploadRefused(
            _l("The file has no column “%(columns)s”: start from the template.", columns="”, “".join(missing))
        )
    return found, ignored


def show(value: Cell) -> str:
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value or ""


def convert(column: Column, value: Cell, choices: dict[str, str] | None) -> str | None:
    """A cell as the form field expects it; ``ValueError`` with the message for the user."""
    if value in (None, ""):
        return None
    if column.type == DATE:
        if isinstance(value, date):
            return value.isoformat()
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(value.strip(), fmt).date().isoformat()  # noqa: DTZ007 - a day, no time
            except ValueError:
                continue
        raise ValueError(str(_l("“%(value)s” is not a date: write it as dd/mm/yyyy.", value=value)))
    text = show(value)
    if column.type == BOOL:
        word = norm(text)
        if word in YES:
            return "y"
        if word in NO:
            return "false"  # what a BooleanField reads as unticked
        raise ValueError(str(_l("Write “oui” or “non”, not “%(value)s”.", value=text)))
    if column.type == CHOICE and choices is not None:
        code = choices.get(norm(text))
        if code is None:
            raise ValueError(str(_l("“%(value)s” is not one of the accepted values.", value=text)))
        return code
    return text


def check_sheet(kind: Kind, sheet: Sheet, existing: Any) -> Preview:
    found, ignored = match_columns(kind, sheet.headers)
    used = [column for column in kind.columns if column in found.values()]
    header_of = {column.field: header for header, column in found.items()}
    choices = {column.field: column.choices() for column in used if column.choices}
    title_of = {column.field: str(column.header) for column in kind.columns}
    seen: dict[tuple[str, str], int] = {}
    forms = FormPool()
    rows = []
    for row in sheet.rows:
        values: dict[str, str] = {}
        bad: dict[str, str] = {}
        for column in used:
            try:
                value = convert(column, row.cells.get(header_of[column.field]), choices.get(column.field))
            except ValueError as exc:
                bad[column.field] = str(exc)
                continue
            if value is not None:
                values[column.field] = value
        checked = Checked(values)
        kind.check(checked, existing, forms)
        problems = [(title_of[name], message) for name, message in bad.items()]
        for name, messages in checked.errors.items():
            if name not in bad:
                problems += [(title_of.get(name, ""), message) for message in messages]
        if checked.key is not None:
            if checked.key in seen:
                label = str(kind.key_labels[checked.key[0]])
                message = _l("Same %(key)s as line %(line)s.", key=label, line=seen[checked.key])
                problems.append((title_of[kind.key_fields[checked.key[0]]], str(message)))
            else:
                seen[checked.key] = row.line
        cells = [show(row.cells.get(header_of[column.field])) for column in used]
        rows.append(RowCheck(row.line, cells, checked, problems))
    return Preview(used, ignored, rows)
