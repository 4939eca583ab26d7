"""A school's connection to its plateforme agréée."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ecoprod.database import Line, Money, TimestampMixin, UTCDateTime, enum_type
from ecoprod.extensions import db
from ecoprod.i18n import label
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.tenancy import TenantMixin


class Syntax(enum.StrEnum):
    """What is sent to the platform: the API's ``flowSyntax``."""

    FACTURX = "Factur-X"
    CII = "CII"
    UBL = "UBL"
    CDAR = "CDAR"  # a life-cycle status the school sends (never a school's choice for invoices)
    FRR = "FRR"  # an e-reporting file (flux 10)

    @property
    def label(self) -> str:
        return label(SYNTAX_LABELS[self])


SYNTAX_LABELS = {
    Syntax.FACTURX: _l("Factur-X (PDF with its XML)"),
    Syntax.CII: _l("CII (XML, UN/CEFACT)"),
    Syntax.UBL: _l("UBL 2.1 (XML)"),
    Syntax.CDAR: _l("CDAR (life-cycle status)"),
    Syntax.FRR: _l("E-reporting (flux 10)"),
}
INVOICE_SYNTAXES = (Syntax.FACTURX, Syntax.CII, Syntax.UBL)


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
    # The platform's matricule (4 characters): the sender of the school's e-reporting files.
    platform_number: Mapped[str | None] = mapped_column(Line(4))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    check_ok: Mapped[bool | None]
    check_message: Mapped[str | None] = mapped_column(Line(300))
    # The platform calls EcoProd back at /einvoicing/webhook/<webhook_token> (random, this
    # school's), signing each call with the key it gave at the subscription (sealed).
    webhook_token: Mapped[str | None] = mapped_column(Line(64), unique=True)
    webhook_id: Mapped[str | None] = mapped_column(Line(64))
    sealed_webhook_key: Mapped[str | None] = mapped_column(sa.Text)
    # The polling's mark: flows updated after it are still to read.
    statuses_read_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TransmissionState(enum.StrEnum):
    QUEUED = "queued"  # waits for the worker (or for the platform to answer again)
    SENT = "sent"  # the platform has the flow; its checks are pending
    ACCEPTED = "accepted"  # the platform's checks passed (acknowledgement Ok)
    REJECTED = "rejected"  # the platform refused the file (acknowledgement Error)
    FAILED = "failed"  # the platform refused the call itself: to look at, not retried

    @property
    def label(self) -> str:
        return label(TRANSMISSION_STATE_LABELS[self])


TRANSMISSION_STATE_LABELS = {
    TransmissionState.QUEUED: _l("Waiting to be sent"),
    TransmissionState.SENT: _l("Sent, being checked by the platform"),
    TransmissionState.ACCEPTED: _l("Accepted by the platform"),
    TransmissionState.REJECTED: _l("Rejected by the platform"),
    TransmissionState.FAILED: _l("Not sent"),
}


class Transmission(TenantMixin, TimestampMixin, db.Model):
    """An issued invoice or credit note on its way to the school's platform, a status the
    school sends about it (``status_code``), or an e-reporting file (``report_id``). The
    tracking id is the document's number (a status's: ``<number>-212-<payment>``; a report's:
    its TT-1 id): a retry finds the flow already sent instead of sending twice."""

    __tablename__ = "einvoice_transmissions"
    __table_args__ = (
        sa.UniqueConstraint("school_id", "tracking_id", name="uq_einvoice_transmissions_tracking"),
        sa.Index("ix_einvoice_transmissions_state", "state", "claimed_at"),
        sa.Index("ix_einvoice_transmissions_invoice", "invoice_id"),
        sa.Index("ix_einvoice_transmissions_current", "school_id", "current_status"),
        sa.Index("ix_einvoice_transmissions_report", "report_id"),
        sa.CheckConstraint("(invoice_id IS NULL) <> (report_id IS NULL)", name="subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoices.id"))
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ereports.id"))
    # A status the school sends about the invoice (212 Encaissée, for this payment), not the invoice.
    status_code: Mapped[int | None]
    payment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payments.id"))
    tracking_id: Mapped[str] = mapped_column(Line(64))
    syntax: Mapped[Syntax] = mapped_column(enum_type(Syntax, 10))
    processing_rule: Mapped[str] = mapped_column(Line(20))
    state: Mapped[TransmissionState] = mapped_column(
        enum_type(TransmissionState, 10), default=TransmissionState.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    flow_id: Mapped[str | None] = mapped_column(Line(64))
    sha256: Mapped[str | None] = mapped_column(Line(64))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason_code: Mapped[str | None] = mapped_column(Line(100))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    # The document's latest life-cycle status (an invoice's own transmission only), for the
    # invoice list's filter and the dashboard's counts.
    current_status: Mapped[int | None]
    current_status_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LifecycleStatus(TenantMixin, db.Model):
    """A status of an issued document's life cycle (XP Z12-012: 200 Déposée … 213 Rejetée),
    read from a platform's CDAR message or sent by the school (212 Encaissée). Each message's
    status is kept once, whichever way it arrived (polling or webhook)."""

    __tablename__ = "einvoice_statuses"
    __table_args__ = (
        sa.UniqueConstraint("invoice_id", "flow_id", "code", name="uq_einvoice_statuses_flow"),
        sa.Index("ix_einvoice_statuses_invoice", "invoice_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id"))
    code: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason_code: Mapped[str | None] = mapped_column(Line(100))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    requested_action: Mapped[str | None] = mapped_column(Line(300))
    flow_id: Mapped[str] = mapped_column(Line(64))
    source: Mapped[str] = mapped_column(Line(10))  # "poll", "webhook" or "sent"
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BuyerAddress(TenantMixin, db.Model):
    """What the annuaire (the platform's Directory Service) said of a customer: the line it
    receives e-invoices at, or none, and when it was asked. Kept for the SIREN, SIRET and
    routing code asked: once the customer's change, the answer no longer holds."""

    __tablename__ = "einvoice_buyer_addresses"
    __table_args__ = (sa.UniqueConstraint("customer_id", name="uq_einvoice_buyer_addresses_customer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"))
    siren: Mapped[str] = mapped_column(Line(9))
    siret: Mapped[str | None] = mapped_column(Line(14))
    routing_identifier: Mapped[str | None] = mapped_column(Line(100))
    # None: the annuaire has no active line for it (it cannot receive e-invoices).
    addressing_identifier: Mapped[str | None] = mapped_column(Line(125))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def can_receive(self) -> bool:
        return self.addressing_identifier is not None


class Flux(enum.StrEnum):
    """The e-reporting flows EcoProd sends, one file each (XP: flux 10.1 to 10.4)."""

    SALES_ABROAD = "10.1"  # invoices to foreign businesses, one by one
    CASHED_ABROAD = "10.2"  # payments of those invoices, when VAT is due on receipt
    SALES_INDIVIDUALS = "10.3"  # sales to individuals, totalled per day
    CASHED_INDIVIDUALS = "10.4"  # their payments, per day, when VAT is due on receipt

    @property
    def label(self) -> str:
        return label(FLUX_LABELS[self])

    @property
    def payments(self) -> bool:
        return self in (Flux.CASHED_ABROAD, Flux.CASHED_INDIVIDUALS)

    @property
    def processing_rule(self) -> str:
        return "B2C" if self in (Flux.SALES_INDIVIDUALS, Flux.CASHED_INDIVIDUALS) else "B2BInt"


FLUX_LABELS = {
    Flux.SALES_ABROAD: _l("Sales to foreign businesses"),
    Flux.CASHED_ABROAD: _l("Payments of sales abroad"),
    Flux.SALES_INDIVIDUALS: _l("Sales to individuals"),
    Flux.CASHED_INDIVIDUALS: _l("Payments from individuals"),
}


class EReport(TenantMixin, TimestampMixin, db.Model):
    """One flow's report for one period (start and end included): the file built, or why it
    could not be (``problem``), or nothing to report (``documents`` 0, no file). A period whose
    figures change after its report was sent gets a new one (``sequence`` + 1, a correction)."""

    __tablename__ = "ereports"
    __table_args__ = (
        sa.UniqueConstraint("school_id", "flux", "period_start", "sequence", name="uq_ereports_period"),
        sa.Index("ix_ereports_school_period", "school_id", "period_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    flux: Mapped[Flux] = mapped_column(enum_type(Flux, 5))
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    sequence: Mapped[int] = mapped_column(default=1)
    correction: Mapped[bool] = mapped_column(default=False)
    report_id: Mapped[str] = mapped_column(Line(50))
    documents: Mapped[int] = mapped_column(default=0)  # invoices or payments in it
    amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))  # excl. VAT, or cashed
    vat: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    digest: Mapped[str] = mapped_column(Line(64))  # of the figures, not of the file
    file_sha256: Mapped[str | None] = mapped_column(Line(64))  # in ``ecoprod.documents``
    problem: Mapped[str | None] = mapped_column(sa.Text)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime())
