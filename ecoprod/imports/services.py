"""Importing a spreadsheet: upload (kept until confirmed), preview, apply, discard; the
templates to start from; abandoned files purged."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, timedelta

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ecoprod import audit
from ecoprod.csvsafe import csv_line
from ecoprod.database import utcnow
from ecoprod.errors import ActionRefused
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.imports import reader
from ecoprod.imports.kinds import KINDS, Kind
from ecoprod.imports.models import ImportBatch
from ecoprod.imports.rules import Preview, check_sheet, match_columns
from ecoprod.storage import clean_filename

KEPT_FOR = timedelta(days=1)  # an upload nobody confirmed is deleted after a day


class ImportRefused(ActionRefused):
    pass


class ProblemRows(ImportRefused):
    """Rows have problems and the administrator did not choose to leave them out."""

    def __init__(self, preview: Preview, message: object) -> None:
        super().__init__(message)
        self.preview = preview


def kind_of(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ImportRefused(_l("Choose what the file holds."), field="kind") from None


def upload(
    school_id: int, uploaded_by_id: int, kind_name: str, filename: str | None, data: bytes
) -> ImportBatch:
    """Keep a readable file for its preview; ``UploadRefused`` (beside the file field) when it
    cannot be read or lacks a column the kind needs."""
    kind = kind_of(kind_name)
    name = clean_filename(filename)
    sheet = reader.read(data)
    match_columns(kind, sheet.headers)
    batch = ImportBatch(
        school_id=school_id,
        kind=kind.name,
        filename=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        uploaded_by_id=uploaded_by_id,
        rows_total=len(sheet.rows),
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def preview(batch: ImportBatch) -> Preview:
    kind = kind_of(batch.kind)
    if batch.content is None:
        raise ImportRefused(_l("This file is no longer kept: upload it again."))
    return check_sheet(kind, reader.read(batch.content), kind.load(batch.school_id))


def apply(batch: ImportBatch, only_valid: bool = False) -> Preview:
    """Save every row, or none: with problems on some rows, nothing is saved unless the
    administrator chose to import only the rows without problems."""
    if batch.is_applied:
        raise ImportRefused(_l("This file has already been imported."))
    kind = kind_of(batch.kind)
    existing = kind.load(batch.school_id)
    result = check_sheet(kind, reader.read(batch.content or b""), existing)
    if result.errors and not only_valid:
        raise ProblemRows(
            result,
            _l(
                "%(count)s row(s) have problems: nothing was imported. Fix the file and upload it "
                "again, or choose to import only the rows without problems.",
                count=len(result.errors),
            ),
        )
    if not result.valid:
        raise ImportRefused(_l("No row can be imported."))
    created = updated = 0
    for row in result.valid:
        changed = kind.save(batch.school_id, row.checked, existing)
        if row.checked.match_id is None:
            created += 1
        elif changed:
            updated += 1
    db.session.flush()
    batch.applied_at = utcnow()
    batch.content = None
    batch.rows_created, batch.rows_updated = created, updated
    batch.rows_skipped = len(result.errors)
    audit.record("import.applied", batch, reference=f"{batch.kind} +{created} ~{updated}")
    return result


def discard(batch: ImportBatch) -> None:
    if batch.is_applied:
        raise ImportRefused(_l("This file has already been imported."))
    db.session.delete(batch)


def purge_abandoned(now: datetime | None = None) -> int:
    """Delete the files uploaded and never confirmed (they may hold students' data)."""
    cutoff = (now or utcnow()) - KEPT_FOR
    result = db.session.execute(
        sa.delete(ImportBatch).where(ImportBatch.applied_at.is_(None), ImportBatch.created_at < cutoff)
    )
    return result.rowcount or 0


def template(kind_name: str, fmt: str) -> bytes:
    """A file to fill in: the columns' titles (in the reader's language) and an example row."""
    kind = kind_of(kind_name)
    headers = [f"{column.header} *" if column.required else str(column.header) for column in kind.columns]
    examples = [column.example for column in kind.columns]
    if fmt == "csv":
        return ("\ufeff" + csv_line(headers) + csv_line(examples)).encode("utf-8")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(kind.title)[:31])
    bold = Font(bold=True)
    title_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        title_cells.append(cell)
    sheet.append(title_cells)
    sheet.append([WriteOnlyCell(sheet, value=example) for example in examples])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
