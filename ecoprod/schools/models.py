"""The school: the tenant every other record belongs to, with its legal identity."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ecoprod.database import Address, TimestampMixin, address_columns, enum_type
from ecoprod.extensions import db
from ecoprod.i18n import label
from ecoprod.i18n import lazy_gettext as _l


class VatRegime(enum.StrEnum):
    SUBJECT = "subject"
    FRANCHISE = "franchise"
    EXEMPT = "exempt"

    @property
    def label(self) -> str:
        return label(VAT_REGIME_LABELS[self])


VAT_REGIME_LABELS = {
    VatRegime.SUBJECT: _l("Subject to VAT"),
    VatRegime.FRANCHISE: _l("VAT franchise (art. 293 B du CGI)"),
    VatRegime.EXEMPT: _l("Exempt from VAT"),
}

FRANCHISE_MENTION = "TVA non applicable, art. 293 B du CGI"


class School(TimestampMixin, db.Model):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    legal_form: Mapped[str | None] = mapped_column(sa.String(80))
    address: Mapped[Address] = address_columns("address")
    siret: Mapped[str | None] = mapped_column(sa.String(14))
    vat_number: Mapped[str | None] = mapped_column(sa.String(20))
    rna: Mapped[str | None] = mapped_column(sa.String(10))
    iban: Mapped[str | None] = mapped_column(sa.String(34))
    bic: Mapped[str | None] = mapped_column(sa.String(11))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    vat_regime: Mapped[VatRegime] = mapped_column(enum_type(VatRegime), default=VatRegime.SUBJECT)
    vat_exemption_text: Mapped[str | None] = mapped_column(sa.String(300))
    quote_prefix: Mapped[str] = mapped_column(sa.String(10), default="DEV")
    delivery_prefix: Mapped[str] = mapped_column(sa.String(10), default="BL")
    invoice_prefix: Mapped[str] = mapped_column(sa.String(10), default="FA")
    credit_note_prefix: Mapped[str] = mapped_column(sa.String(10), default="AV")
    request_prefix: Mapped[str] = mapped_column(sa.String(10), default="DDE")
    logo_file: Mapped[str | None] = mapped_column(sa.String(80))
    logo_content_type: Mapped[str | None] = mapped_column(sa.String(40))
    is_active: Mapped[bool] = mapped_column(default=True)

    @property
    def siren(self) -> str | None:
        return self.siret[:9] if self.siret else None

    @property
    def vat_mention(self) -> str | None:
        """The legal text printed on documents when the school charges no VAT."""
        if self.vat_regime is VatRegime.FRANCHISE:
            return FRANCHISE_MENTION
        if self.vat_regime is VatRegime.EXEMPT:
            return self.vat_exemption_text
        return None

    def __repr__(self) -> str:
        return f"<School {self.slug}>"
