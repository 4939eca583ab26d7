"""The school: the tenant every other record belongs to, with its legal identity."""

from __future__ import annotations

import enum
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ecoprod.database import (
    Address,
    ArchivableMixin,
    Line,
    ScaledDecimal,
    TimestampMixin,
    address_columns,
    enum_type,
)
from ecoprod.extensions import db
from ecoprod.i18n import label
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.tenancy import TenantMixin


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


class VatFiling(enum.StrEnum):
    """How often the school files its VAT returns: it sets the e-reporting's periods."""

    MONTHLY = "monthly"  # réel normal, monthly returns (CA3)
    QUARTERLY = "quarterly"  # réel normal, quarterly returns
    SIMPLIFIED = "simplified"  # réel simplifié (yearly CA12)
    NONE = "none"  # franchise en base: no returns

    @property
    def label(self) -> str:
        return label(VAT_FILING_LABELS[self])


VAT_FILING_LABELS = {
    VatFiling.MONTHLY: _l("Normal regime, monthly returns"),
    VatFiling.QUARTERLY: _l("Normal regime, quarterly returns"),
    VatFiling.SIMPLIFIED: _l("Simplified regime"),
    VatFiling.NONE: _l("No VAT returns (franchise)"),
}

FRANCHISE_MENTION = "TVA non applicable, art. 293 B du CGI"


class School(TimestampMixin, db.Model):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(Line(60), unique=True)
    name: Mapped[str] = mapped_column(Line(200))
    legal_form: Mapped[str | None] = mapped_column(Line(80))
    address: Mapped[Address] = address_columns("address")
    siret: Mapped[str | None] = mapped_column(Line(14))
    vat_number: Mapped[str | None] = mapped_column(Line(20))
    rna: Mapped[str | None] = mapped_column(Line(10))
    iban: Mapped[str | None] = mapped_column(Line(34))
    bic: Mapped[str | None] = mapped_column(Line(11))
    email: Mapped[str | None] = mapped_column(Line(254))
    phone: Mapped[str | None] = mapped_column(Line(30))
    vat_regime: Mapped[VatRegime] = mapped_column(enum_type(VatRegime), default=VatRegime.SUBJECT)
    vat_exemption_text: Mapped[str | None] = mapped_column(Line(300))
    quote_prefix: Mapped[str] = mapped_column(Line(10), default="DEV")
    delivery_prefix: Mapped[str] = mapped_column(Line(10), default="BL")
    invoice_prefix: Mapped[str] = mapped_column(Line(10), default="FA")
    credit_note_prefix: Mapped[str] = mapped_column(Line(10), default="AV")
    request_prefix: Mapped[str] = mapped_column(Line(10), default="DDE")
    # Workshop hours in a half-day: what one student brings to the capacity.
    half_day_hours: Mapped[Decimal] = mapped_column(
        ScaledDecimal(2), default=Decimal("3.5"), server_default=sa.text("350")
    )
    quote_validity_days: Mapped[int] = mapped_column(default=30, server_default=sa.text("30"))
    # A student who left (archived) this many years ago is erased by the nightly job.
    student_retention_years: Mapped[int] = mapped_column(default=5, server_default=sa.text("5"))
    # Invoicing: late-payment penalty rate (ECB rate + 10 points by default), early payment
    # discount terms, VAT on debits option, default deposit, and the accountant's codes.
    late_penalty_rate: Mapped[Decimal] = mapped_column(
        ScaledDecimal(2), default=Decimal("12.15"), server_default=sa.text("1215")
    )
    early_payment_terms: Mapped[str | None] = mapped_column(Line(300))
    vat_on_debits: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    vat_filing: Mapped[VatFiling] = mapped_column(
        enum_type(VatFiling, 12), default=VatFiling.MONTHLY, server_default=VatFiling.MONTHLY.value
    )
    deposit_percent: Mapped[Decimal] = mapped_column(
        ScaledDecimal(2), default=Decimal("30"), server_default=sa.text("3000")
    )
    sales_journal: Mapped[str] = mapped_column(Line(10), default="VE", server_default="VE")
    customer_account_prefix: Mapped[str] = mapped_column(Line(10), default="411", server_default="411")
    sales_account: Mapped[str] = mapped_column(Line(10), default="706000", server_default="706000")
    quote_conditions: Mapped[str | None] = mapped_column(sa.Text)
    logo_file: Mapped[str | None] = mapped_column(Line(80))
    logo_content_type: Mapped[str | None] = mapped_column(Line(40))
    is_active: Mapped[bool] = mapped_column(default=True)

    @property
    def charges_vat(self) -> bool:
        return self.vat_regime is VatRegime.SUBJECT

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


class VatRate(TenantMixin, ArchivableMixin, db.Model):
    """A VAT rate the school invoices at (20, 10, 5.5, 2.1, 0 %)."""

    __tablename__ = "vat_rates"
    __table_args__ = (
        sa.UniqueConstraint("school_id", "rate"),
        sa.CheckConstraint("rate >= 0 AND rate <= 10000", name="rate_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rate: Mapped[Decimal] = mapped_column(ScaledDecimal(2))
    label: Mapped[str | None] = mapped_column(Line(80))
    is_default: Mapped[bool] = mapped_column(default=False)
    # The VAT account its amounts go to in the sales journal (445711 for 20 %…).
    account: Mapped[str | None] = mapped_column(Line(10))


DEFAULT_VAT_RATES = (
    (Decimal("20.00"), "Taux normal", True),
    (Decimal("10.00"), "Taux intermédiaire", False),
    (Decimal("5.50"), "Taux réduit", False),
    (Decimal("2.10"), "Taux particulier", False),
    (Decimal("0.00"), "Exonéré", False),
)
