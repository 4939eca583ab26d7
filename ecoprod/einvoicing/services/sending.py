"""Issued invoices and credit notes on their way to the school's platform.

Issuing queues a ``Transmission`` in the issuing transaction (the ``invoice_issued`` signal);
the worker sends it (``jobs.send``). The tracking id is the document's number, and before
each upload the platform is asked whether it already has a flow with that tracking id: a
worker killed between the upload and its record, or a retry, never sends twice.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from ecoprod import audit, documents, signals
from ecoprod.customers.models import CustomerType
from ecoprod.database import utcnow
from ecoprod.deferred import after_commit
from ecoprod.einvoicing import cdar
from ecoprod.einvoicing.client import PlatformError
from ecoprod.einvoicing.models import EReport, PlatformConnection, Syntax, Transmission, TransmissionState
from ecoprod.einvoicing.services.connection import client_for
from ecoprod.extensions import db
from ecoprod.invoicing.models import Category, Invoice, Payment
from ecoprod.jobs import lease
from ecoprod.schools.models import VatRegime
from ecoprod.schools.services import school_of

PROCESSING_RULES = {
    CustomerType.BUSINESS: "B2B",
    CustomerType.PUBLIC: "B2G",
    CustomerType.INDIVIDUAL: "B2C",
    CustomerType.FOREIGN: "B2BInt",
}


def processing_rule(customer_type: CustomerType) -> str:
    """The Flow Service's ``processingRule`` for a customer of this kind."""
    return PROCESSING_RULES[customer_type]


def transmission_of(invoice_id: int) -> Transmission | None:
    """The document's own transmission (not the statuses sent about it)."""
    return db.session.scalars(
        sa.select(Transmission).where(
            Transmission.invoice_id == invoice_id, Transmission.status_code.is_(None)
        )
    ).one_or_none()


def status_transmissions(invoice: Invoice) -> list[Transmission]:
    """The statuses the school sent about the invoice (212 Encaissée), oldest first."""
    return list(
        db.session.scalars(
            sa.select(Transmission)
            .where(Transmission.invoice_id == invoice.id, Transmission.status_code.is_not(None))
            .order_by(Transmission.id)
        )
    )


def queue(invoice: Invoice) -> Transmission | None:
    """In the issuing transaction: an invoice to a French business or public body, of a
    school connected to a platform, waits to be sent (others are e-reported, not sent)."""
    if not invoice.customer.customer_type.e_invoiced or invoice.is_internal:
        return None  # e-reported, or an internal credit note (kept, never sent)
    connection = db.session.scalars(
        sa.select(PlatformConnection).where(PlatformConnection.school_id == invoice.school_id)
    ).one_or_none()
    if connection is None:
        return None
    transmission = Transmission(
        school_id=invoice.school_id,
        invoice_id=invoice.id,
        tracking_id=invoice.number,
        syntax=connection.syntax,
        processing_rule=processing_rule(invoice.customer.customer_type),
    )
    return enqueue(transmission)


def enqueue(transmission: Transmission) -> Transmission:
    """Add the transmission; the worker sends it once the caller's transaction commits."""
    db.session.add(transmission)
    db.session.flush()
    from ecoprod.einvoicing.jobs import send  # the job module imports these services

    after_commit(db.session, send, transmission.id)
    return transmission


@signals.invoice_issued.connect
def _on_issue(invoice: Invoice, **_: Any) -> None:
    queue(invoice)


def vat_due_on_receipt(invoice: Invoice) -> bool:
    """Services, VAT-subject school without the option for VAT on debits: the VAT falls due
    when the school is paid, and the 212 *Encaissée* tells the administration (XP Z12-014)."""
    school = school_of(invoice)
    return (
        school.vat_regime is VatRegime.SUBJECT
        and not school.vat_on_debits
        and invoice.category in (Category.SERVICES, Category.MIXED)
    )


def queue_cashed(payment: Payment) -> Transmission | None:
    """In the payment's transaction: a 212 for a transmitted invoice whose VAT is due on receipt."""
    invoice = payment.invoice
    sent = transmission_of(invoice.id)
    if sent is None or sent.state not in (TransmissionState.SENT, TransmissionState.ACCEPTED):
        return None
    if not vat_due_on_receipt(invoice):
        return None
    status = Transmission(
        school_id=invoice.school_id,
        invoice_id=invoice.id,
        status_code=212,
        payment_id=payment.id,
        tracking_id=f"{invoice.number}-212-{payment.id}",
        syntax=Syntax.CDAR,
        processing_rule=sent.processing_rule,
    )
    return enqueue(status)


@signals.payment_recorded.connect
def _on_payment(payment: Payment, **_: Any) -> None:
    queue_cashed(payment)


def cashed_amounts(invoice: Invoice, amount: Decimal) -> list[tuple[Decimal, Decimal]]:
    """The amount cashed (incl. VAT) split over the invoice's VAT rates in proportion to each
    rate's amount incl. VAT; the last rate takes the cents left (BR-FR-CDV-14: one per rate)."""
    totals = invoice.totals()
    rows = [(b.rate, b.taxable + b.vat) for b in totals.breakdown] or [(Decimal("0"), totals.gross)]
    split, left = [], amount
    for i, (rate, gross) in enumerate(rows):
        share = left if i == len(rows) - 1 else (amount * gross / totals.gross).quantize(Decimal("0.01"))
        split.append((rate, share))
        left -= share
    return split


def _status_file(transmission: Transmission, invoice: Invoice) -> Payload:
    school, customer = school_of(invoice), invoice.customer
    sent = transmission_of(invoice.id)
    payment = db.session.get(Payment, transmission.payment_id)
    message = cdar.Cashed(
        message_id=transmission.tracking_id,
        invoice_number=invoice.number,
        invoice_date=invoice.issue_date,
        type_code="381" if invoice.is_credit_note else "380",
        seller=cdar.Party(school.siren, school.name, school.siren),
        buyer=cdar.Party(
            customer.siren or invoice.buyer_siren or "",
            invoice.buyer_name or customer.name,
            invoice.buyer_address or customer.siren or "",
        ),
        cashed_at=datetime.combine(payment.paid_on, time(12), tzinfo=UTC),
        received_at=(sent.sent_at if sent and sent.sent_at else invoice.issued_at),
        amounts=cashed_amounts(invoice, payment.amount),
    )
    return Payload(
        f"{transmission.tracking_id}.xml", cdar.build_cashed(message, utcnow()), "application/xml", "CIUS"
    )


@dataclass(frozen=True)
class Payload:
    name: str
    content: bytes
    content_type: str
    profile: str


def payload(transmission: Transmission, invoice: Invoice | None) -> Payload:
    """The file sent: the issued Factur-X PDF itself, the CII it carries, or its UBL; a
    status's CDAR message; an e-reporting file as it was built."""
    from ecoprod.invoicing.documents import embedded_xml, ubl_xml  # the PDF needs the whole domain

    if transmission.report_id is not None:
        return _report_file(transmission)
    assert invoice is not None
    if transmission.status_code is not None:
        return _status_file(transmission, invoice)
    pdf = documents.read(invoice.school_id, invoice.pdf_sha256)
    if pdf is None:
        raise PlatformError("the issued PDF is missing from the store", 500)
    if transmission.syntax is Syntax.FACTURX:
        return Payload(f"{invoice.number}.pdf", pdf, "application/pdf", "CIUS")
    if transmission.syntax is Syntax.CII:
        return Payload(f"{invoice.number}.xml", embedded_xml(pdf), "application/xml", "CIUS")
    return Payload(f"{invoice.number}.xml", ubl_xml(invoice, school_of(invoice)), "application/xml", "CIUS")


def _report_file(transmission: Transmission) -> Payload:
    report = db.session.get(EReport, transmission.report_id)
    data = documents.read(report.school_id, report.file_sha256)
    if data is None:
        raise PlatformError("the report's file is missing from the store", 500)
    return Payload(f"{report.report_id}.xml", data, "application/xml", "")


def subject_of(transmission: Transmission) -> Invoice | EReport:
    """What a transmission carries: an invoice (or a status about it) or a report."""
    if transmission.report_id is not None:
        return db.session.get(EReport, transmission.report_id)
    return db.session.get(Invoice, transmission.invoice_id)


def claim(transmission_id: int) -> Transmission | None:
    """Take the transmission for this process (committed), unless it is done or another
    live process holds it."""
    now = utcnow()
    claimed = db.session.execute(
        sa.update(Transmission)
        .where(
            Transmission.id == transmission_id,
            Transmission.state == TransmissionState.QUEUED,
            sa.or_(Transmission.claimed_at.is_(None), Transmission.claimed_at < now - lease()),
        )
        .values(claimed_at=now, attempts=Transmission.attempts + 1)
        .execution_options(synchronize_session=False, all_schools=True)
    )
    db.session.commit()
    if claimed.rowcount != 1:
        return None
    return db.session.scalars(
        sa.select(Transmission).where(Transmission.id == transmission_id).execution_options(all_schools=True)
    ).one()


def send_claimed(transmission: Transmission) -> None:
    """Upload the document once (or find it uploaded), then record the flow; the caller
    commits. A transient platform error leaves it queued and raises (the job retries)."""
    subject = subject_of(transmission)
    invoice = subject if isinstance(subject, Invoice) else None
    connection = db.session.scalars(
        sa.select(PlatformConnection)
        .where(PlatformConnection.school_id == transmission.school_id)
        .execution_options(all_schools=True)
    ).one()
    client = client_for(connection)
    try:
        found = client.search_flows({"trackingId": transmission.tracking_id, "flowDirection": ["Out"]})
        known = [f for f in found.get("results", []) if f.get("trackingId") == transmission.tracking_id]
        if known:
            _record(transmission, known[0])
            return
        file = payload(transmission, invoice)
        answer = client.send_flow(
            name=file.name,
            content=file.content,
            content_type=file.content_type,
            syntax=transmission.syntax.value,
            tracking_id=transmission.tracking_id,
            processing_rule=transmission.processing_rule,
            profile=file.profile or None,
        )
    except PlatformError as exc:
        transmission.claimed_at = None
        transmission.reason = str(exc)[:2000]
        if exc.transient:
            raise
        transmission.state = TransmissionState.FAILED
        transmission.reason_code = exc.code
        audit.record("einvoicing.transmission_failed", subject, reference=transmission.tracking_id)
        return
    _record(transmission, answer)
    audit.record("einvoicing.sent", subject, reference=transmission.tracking_id)
    with contextlib.suppress(PlatformError):  # a platform that checks at once has its answer ready
        acknowledge(transmission, client.get_flow(transmission.flow_id).get("acknowledgement"))


def _record(transmission: Transmission, flow: dict[str, Any]) -> None:
    if transmission.status_code is not None and transmission.flow_id is None:
        from ecoprod.einvoicing.services.statuses import keep_sent

        keep_sent(transmission, str(flow["flowId"]))
    transmission.flow_id = str(flow["flowId"])
    transmission.sha256 = flow.get("sha256")
    transmission.sent_at = utcnow()
    transmission.claimed_at = None
    transmission.reason = transmission.reason_code = None
    transmission.state = TransmissionState.SENT
    acknowledge(transmission, flow.get("acknowledgement"))


def acknowledge(transmission: Transmission, acknowledgement: dict[str, Any] | None) -> None:
    """The platform's checks of the flow: Ok accepts it, Error rejects it with its reasons."""
    status = (acknowledgement or {}).get("status")
    if status == "Ok":
        transmission.state = TransmissionState.ACCEPTED
    elif status == "Error":
        details = acknowledgement.get("details") or []
        transmission.state = TransmissionState.REJECTED
        transmission.reason_code = str(details[0].get("reasonCode", ""))[:100] if details else None
        transmission.reason = "\n".join(str(d.get("reasonMessage", "")) for d in details)[:2000] or None
        if transmission.status_code is None:
            from ecoprod.einvoicing.notices import notify_rejection

            notify_rejection(transmission)  # an invoice's or a report's


def waiting_ids(limit: int = 200) -> list[int]:
    """Queued transmissions no live process holds, across schools (the sweep's)."""
    expired = utcnow() - lease()
    return list(
        db.session.scalars(
            sa.select(Transmission.id)
            .where(
                Transmission.state == TransmissionState.QUEUED,
                sa.or_(Transmission.claimed_at.is_(None), Transmission.claimed_at < expired),
            )
            .order_by(Transmission.id)
            .limit(limit)
            .execution_options(all_schools=True)
        )
    )


def checking_ids(limit: int = 200) -> list[int]:
    """Sent transmissions whose acknowledgement is still pending."""
    return list(
        db.session.scalars(
            sa.select(Transmission.id)
            .where(Transmission.state == TransmissionState.SENT)
            .order_by(Transmission.id)
            .limit(limit)
            .execution_options(all_schools=True)
        )
    )


def refresh(transmission: Transmission) -> None:
    """Ask the platform for a sent flow's acknowledgement."""
    connection = db.session.scalars(
        sa.select(PlatformConnection)
        .where(PlatformConnection.school_id == transmission.school_id)
        .execution_options(all_schools=True)
    ).one()
    flow = client_for(connection).get_flow(transmission.flow_id)
    acknowledge(transmission, flow.get("acknowledgement"))
