"""An issued invoice as a Factur-X EN 16931 PDF: WeasyPrint's PDF/A-3b with the CII XML
embedded (``factur-x``), every mention of LEGAL.md printed and the same amounts in both."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import facturx
from flask_babel import force_locale

from ecoprod.i18n import gettext as _
from ecoprod.i18n import number
from ecoprod.invoicing import cii, ubl
from ecoprod.invoicing.models import Category, Invoice, InvoiceKind
from ecoprod.money import ZERO
from ecoprod.pdf import render_pdf
from ecoprod.schools.models import School, VatRegime
from ecoprod.schools.services import pdf_logo

TYPE_CODES = {
    InvoiceKind.INVOICE: cii.TYPE_INVOICE,
    InvoiceKind.DEPOSIT: cii.TYPE_DEPOSIT,
    InvoiceKind.CREDIT_NOTE: cii.TYPE_CREDIT_NOTE,
}
MODE_LETTERS = {Category.GOODS: "B", Category.SERVICES: "S", Category.MIXED: "M"}


def mentions(invoice: Invoice, school: School) -> dict[str, str]:
    """The payment mentions French law requires, as the PDF prints them and the XML notes them."""
    notes = {
        "PMT": _("Fixed indemnity for recovery costs in case of late payment: 40 €."),
        "PMD": _(
            "Late-payment penalties: %(rate)s %% a year (ECB rate + 10 points), from the day after the due date.",
            rate=number(school.late_penalty_rate),
        ),
        "AAB": school.early_payment_terms or _("No discount for early payment."),
    }
    if school.vat_on_debits:
        notes["TXD"] = _("Option for paying VAT on debits.")
    return notes


def vat_category(rate: Decimal, school: School) -> str:
    if school.vat_regime is not VatRegime.SUBJECT:
        return "E"
    return "S" if rate else "Z"


def _party(school: School) -> cii.Party:
    address = school.address
    return cii.Party(
        name=school.name,
        siren=school.siren,
        siret=school.siret,
        vat_number=school.vat_number,
        line1=address.line1,
        line2=address.line2,
        postal_code=address.postal_code,
        city=address.city,
        country=address.country or "FR",
        email=school.email,
        # A school outside VAT has no VAT number: its SIRET identifies it for the tax office.
        tax_registration=school.siret
        if school.vat_regime is not VatRegime.SUBJECT and not school.vat_number
        else None,
    )


def cii_document(invoice: Invoice, school: School, notes: dict[str, str]) -> cii.Document:
    totals = invoice.totals()
    exemption = school.vat_mention if school.vat_regime is not VatRegime.SUBJECT else None
    billing = invoice.billing_address
    buyer = cii.Party(
        name=invoice.buyer_name or invoice.customer.name,
        siren=invoice.buyer_siren,
        address=invoice.buyer_address,
        vat_number=invoice.buyer_vat_number,
        line1=billing.line1,
        line2=billing.line2,
        postal_code=billing.postal_code,
        city=billing.city,
        country=billing.country or "FR",
    )
    delivery = invoice.delivery_address
    ship_to = None
    if delivery and not delivery.is_empty() and delivery != billing:
        ship_to = cii.Party(
            name=buyer.name,
            siren=None,
            line1=delivery.line1,
            line2=delivery.line2,
            postal_code=delivery.postal_code,
            city=delivery.city,
            country=delivery.country or "FR",
        )
    lines = [
        cii.Line(
            number=line.position,
            name=line.description,
            quantity=line.quantity,
            unit=line.unit.value,
            unit_price=line.unit_price,
            allowance=line.amounts.discount,
            net=line.net,
            vat_category=vat_category(line.vat_rate, school),
            vat_rate=line.vat_rate if school.vat_regime is VatRegime.SUBJECT else ZERO,
        )
        for line in invoice.lines
    ]
    breakdown = [
        cii.VatBreakdown(
            vat_category(b.rate, school),
            b.rate if school.vat_regime is VatRegime.SUBJECT else ZERO,
            b.taxable,
            b.vat,
            exemption_reason=exemption,
            exemption_code="VATEX-FR-FRANCHISE" if school.vat_regime is VatRegime.FRANCHISE else None,
        )
        for b in totals.breakdown
    ]
    allowances = [
        (
            vat_category(b.rate, school),
            b.rate if school.vat_regime is VatRegime.SUBJECT else ZERO,
            b.allowance,
        )
        for b in totals.breakdown
        if b.allowance
    ]
    mode = MODE_LETTERS[invoice.category] + ("4" if invoice.prepaid else "1")
    xml_notes = dict(notes)
    if invoice.buyer_siren:
        xml_notes["BAR"] = "B2B"
    if invoice.is_internal:
        xml_notes["BAR"] = "ARCHIVEONLY"  # BR-FR-20: an internal credit note, never sent
    preceding = []
    if invoice.credited_invoice is not None:
        preceding.append((invoice.credited_invoice.number, invoice.credited_invoice.issue_date))
    return cii.Document(
        number=invoice.number,
        type_code=TYPE_CODES[invoice.kind],
        issue_date=invoice.issue_date,
        billing_mode=mode,
        seller=_party(school),
        buyer=buyer,
        lines=lines,
        vat=breakdown,
        lines_net=totals.lines_net,
        allowance=totals.allowance,
        allowance_rate=invoice.discount_percent or None,
        allowance_vat=allowances,
        net=totals.net,
        vat_total=totals.vat,
        gross=totals.gross,
        prepaid=invoice.prepaid,
        due=invoice.amount_due if not invoice.is_credit_note else totals.gross,
        notes=xml_notes,
        # BT-10: a public buyer's service code, else the purchase order as the buyer knows it.
        buyer_reference=invoice.service_code or invoice.buyer_reference,
        order_reference=invoice.buyer_reference,
        delivery_date=invoice.delivery_date,
        ship_to=ship_to,
        due_date=invoice.due_date,
        payment_terms=invoice.payment_terms.label if invoice.payment_terms else None,
        iban=school.iban,
        bic=school.bic,
        preceding=preceding,
        vat_due_code="5" if school.vat_on_debits and school.vat_regime is VatRegime.SUBJECT else None,
    )


def invoice_pdf(
    invoice: Invoice,
    school: School,
    deposits: Sequence[Invoice] = (),
    *,
    pdf_variant: str | None = None,
    notes: dict[str, str] | None = None,
) -> bytes:
    """The printed invoice alone, in its language: a plain PDF unless ``pdf_variant``
    (``render_invoice`` asks for PDF/A-3b; ``bench/invoicing.py`` times the plain one)."""
    with force_locale(invoice.language or "fr"):
        return render_pdf(
            "pdf/invoice.html",
            pdf_variant=pdf_variant,
            invoice=invoice,
            school=school,
            customer=invoice.customer,
            totals=invoice.totals(),
            deposits=deposits,
            mentions=notes if notes is not None else mentions(invoice, school),
            logo=pdf_logo(school),
        )


def render_invoice(invoice: Invoice, school: School, deposits: Sequence[Invoice] = ()) -> bytes:
    """The Factur-X PDF of an invoice being issued (its number and amounts already set)."""
    with force_locale(invoice.language or "fr"):
        notes = mentions(invoice, school)
        xml = cii.build(cii_document(invoice, school, notes))
        pdf = invoice_pdf(invoice, school, deposits, pdf_variant="pdf/a-3b", notes=notes)
        title = f"{invoice.kind.label} {invoice.number}"
    return facturx.generate_from_binary(
        pdf,
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        pdf_metadata={
            "author": school.name,
            "keywords": "Factur-X, EN 16931",
            "title": title,
            "subject": f"{title} — {invoice.buyer_name}",
        },
        lang=invoice.language or "fr",
    )


def ubl_xml(invoice: Invoice, school: School) -> bytes:
    """The issued invoice in UBL 2.1, the same business terms as its Factur-X XML (for a
    plateforme agréée asked to receive UBL)."""
    with force_locale(invoice.language or "fr"):
        return ubl.build(cii_document(invoice, school, mentions(invoice, school)))


def embedded_xml(pdf: bytes) -> bytes:
    """The CII XML inside a Factur-X PDF."""
    _filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    return xml
