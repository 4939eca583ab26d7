"""Issued documents (quotes, accepted copies, delivery notes, invoices, credit notes) kept
in the database, in the transaction that issues them.

A document is stored once per school under its SHA-256, the fingerprint its record already
carries (``pdf_sha256``): issuing and storing commit together or not at all, a crash leaves
no orphan file, every app instance serves the same bytes, and the ten-year archive is
backed up with the database. Uploads (drawings, photos, scans, logos) stay in the file
store (``ecoprod.storage``), on a volume every instance shares.
"""

from __future__ import annotations

import hashlib
import io
from datetime import datetime

import sqlalchemy as sa
from flask import abort, send_file
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.wrappers import Response

from ecoprod.database import Line, UTCDateTime, utcnow
from ecoprod.extensions import db
from ecoprod.tenancy import TenantMixin


class StoredDocument(TenantMixin, db.Model):
    __tablename__ = "documents"
    __table_args__ = (sa.UniqueConstraint("school_id", "sha256", name="uq_documents_school_id_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(Line(64))
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(Line(100))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def keep(session: Session, school_id: int, data: bytes, content_type: str = "application/pdf") -> str:
    """Add the document to the session's transaction (once per school); its SHA-256."""
    sha256 = hashlib.sha256(data).hexdigest()
    pending = any(
        isinstance(obj, StoredDocument) and obj.school_id == school_id and obj.sha256 == sha256
        for obj in session.new
    )
    if not pending and _find(session, school_id, sha256) is None:
        session.add(
            StoredDocument(
                school_id=school_id, sha256=sha256, size=len(data), content_type=content_type, data=data
            )
        )
    return sha256


def read(school_id: int, sha256: str | None) -> bytes | None:
    if not sha256:
        return None
    return db.session.scalar(
        sa.select(StoredDocument.data)
        .where(StoredDocument.school_id == school_id, StoredDocument.sha256 == sha256)
        .execution_options(all_schools=True)
    )


def respond(
    school_id: int,
    sha256: str | None,
    download_name: str,
    *,
    as_attachment: bool = False,
    mimetype: str = "application/pdf",
) -> Response:
    """The stored document as a response, or 404; cached by its fingerprint."""
    data = read(school_id, sha256)
    if data is None:
        abort(404)
    response = send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        as_attachment=as_attachment,
        download_name=download_name,
        conditional=True,
        etag=sha256,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _find(session: Session, school_id: int, sha256: str) -> int | None:
    return session.scalar(
        sa.select(StoredDocument.id)
        .where(StoredDocument.school_id == school_id, StoredDocument.sha256 == sha256)
        .execution_options(all_schools=True)
    )
