"""An uploaded file waiting for the administrator's confirmation (kept in the database so
that every app instance sees it), and what its import did."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ecoprod.accounts.models import User
from ecoprod.database import Line, UTCDateTime, utcnow
from ecoprod.extensions import db
from ecoprod.tenancy import TenantMixin


class ImportBatch(TenantMixin, db.Model):
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(Line(20))
    filename: Mapped[str] = mapped_column(Line(200))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(Line(64))
    # The file itself until it is imported or abandoned (it may hold students' data).
    content: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_created: Mapped[int] = mapped_column(default=0)
    rows_updated: Mapped[int] = mapped_column(default=0)
    rows_skipped: Mapped[int] = mapped_column(default=0)

    uploaded_by: Mapped[User] = relationship()

    @property
    def is_applied(self) -> bool:
        return self.applied_at is not None
