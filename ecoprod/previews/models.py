"""The previews kept for each uploaded drawing and photo.

One ``Preview`` per uploaded file (its stored name in the file store), made once by the
worker; its images are files of the same store (``storage.file_store()``, the volume every
instance shares), named in the row: derived, regenerable data that has no place in the
database's ten-year archive of issued documents, and that follows its row (written with the
transaction, removed once the row's deletion is committed).
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecoprod.database import Line, UTCDateTime, enum_type, utcnow
from ecoprod.extensions import db
from ecoprod.tenancy import TenantMixin


class PreviewStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the worker
    READY = "ready"
    UNAVAILABLE = "unavailable"  # the file cannot be shown (corrupt, encrypted, too large…)


class Source(enum.StrEnum):
    DRAWING = "drawing"  # an order's ``Attachment``
    PHOTO = "photo"  # an operation's ``OperationPhoto``


class Preview(TenantMixin, db.Model):
    __tablename__ = "previews"
    __table_args__ = (
        sa.UniqueConstraint("school_id", "source_name", name="uq_previews_school_id_source_name"),
        # The sweep: what waits, across schools.
        sa.Index("ix_previews_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[Source] = mapped_column(enum_type(Source, 10))
    source_name: Mapped[str] = mapped_column(Line(64))  # the uploaded file's stored name
    file_kind: Mapped[str] = mapped_column(Line(10))  # pdf, png, jpeg, dxf
    status: Mapped[PreviewStatus] = mapped_column(enum_type(PreviewStatus, 12), default=PreviewStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    problem: Mapped[str | None] = mapped_column(sa.Text)  # why it is unavailable (for the logs)
    page_count: Mapped[int] = mapped_column(default=0)  # pages in the file; ``pages`` are the first
    thumbnail_name: Mapped[str | None] = mapped_column(Line(64))
    thumbnail_type: Mapped[str | None] = mapped_column(Line(40))
    svg_name: Mapped[str | None] = mapped_column(Line(64))
    made_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    pages: Mapped[list[PreviewPage]] = relationship(
        back_populates="preview", order_by="PreviewPage.number", cascade="all, delete-orphan"
    )

    @property
    def ready(self) -> bool:
        return self.status is PreviewStatus.READY

    def stored_names(self) -> list[str]:
        names = [self.thumbnail_name, self.svg_name, *(page.stored_name for page in self.pages)]
        return [name for name in names if name]


class PreviewPage(TenantMixin, db.Model):
    """One page of a PDF (or an image, resized) as an image for the viewer."""

    __tablename__ = "preview_pages"
    __table_args__ = (sa.UniqueConstraint("preview_id", "number", name="uq_preview_pages_preview_id_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    preview_id: Mapped[int] = mapped_column(sa.ForeignKey("previews.id", ondelete="CASCADE"))
    number: Mapped[int]  # from 1
    stored_name: Mapped[str] = mapped_column(Line(64))
    content_type: Mapped[str] = mapped_column(Line(40))
    width: Mapped[int]
    height: Mapped[int]

    preview: Mapped[Preview] = relationship(back_populates="pages")
