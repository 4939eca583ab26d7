"""A school's connection to its plateforme agréée."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ecoprod.database import Line, TimestampMixin, UTCDateTime, enum_type
from ecoprod.extensions import db
from ecoprod.i18n import label
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.tenancy import TenantMixin


class Syntax(enum.StrEnum):
    """What is sent to the platform: the API's ``flowSyntax``."""

    FACTURX = "Factur-X"
    CII = "CII"
    UBL = "UBL"

    @property
    def label(self) -> str:
        return label(SYNTAX_LABELS[self])


SYNTAX_LABELS = {
    Syntax.FACTURX: _l("Factur-X (PDF with its XML)"),
    Syntax.CII: _l("CII (XML, UN/CEFACT)"),
    Syntax.UBL: _l("UBL 2.1 (XML)"),
}


class PlatformConnection(TenantMixin, TimestampMixin, db.Model):
    """The school's PA: its Flow and Directory services, OAuth2 client credentials (the
    secret sealed by ``ecoprod.secretbox``), the syntax to send, the last connection test."""

    __tablename__ = "platform_connections"
    __table_args__ = (sa.UniqueConstraint("school_id", name="uq_platform_connections_school"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    flow_url: Mapped[str] = mapped_column(Line(300))
    directory_url: Mapped[str] = mapped_column(Line(300))
    token_url: Mapped[str] = mapped_column(Line(300))
    client_id: Mapped[str] = mapped_column(Line(200))
    sealed_secret: Mapped[str] = mapped_column(sa.Text)
    syntax: Mapped[Syntax] = mapped_column(enum_type(Syntax, 10), default=Syntax.FACTURX)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    check_ok: Mapped[bool | None]
    check_message: Mapped[str | None] = mapped_column(Line(300))
