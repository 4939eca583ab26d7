"""The same invoice in UBL 2.1 (OASIS), the second syntax EN 16931 allows.

A pure function of the ``Document`` the CII builder takes (``ecoprod.invoicing.cii``), so
both syntaxes say the same thing: the business terms (BT-…) follow EN 16931's UBL binding
and the French rules (BR-FR-…) are met the same way as in CII — notes prefixed with their
subject code (``#PMT#…``), the billing mode in ``ProfileID`` (BT-23), the SIREN as legal
identifier (scheme 0002) and as electronic address (scheme 0225). An invoice, deposit
invoice or credit note: UBL writes a credit note as its own document (``CreditNote``), its
lines as ``CreditNoteLine`` with a ``CreditedQuantity``, its due date in the payment means.
UBL's schemas fix the order of every element: the order of the code below is that order.
"""

from __future__ import annotations

from datetime import date

from lxml import etree

from ecoprod.invoicing.cii import (
    EN16931,
    TYPE_CREDIT_NOTE,
    UNIT_CODES,
    Document,
    Party,
    amount,
    number,
    rate,
    xml_text,
)

INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_PREFIXES = {"cac": CAC, "cbc": CBC}


class _Writer:
    def __init__(self, currency: str) -> None:
        self.currency = currency

    def el(self, parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
        prefix, name = tag.split(":")
        element = etree.SubElement(parent, f"{{{_PREFIXES[prefix]}}}{name}", attrib)
        if text is not None:
            element.text = xml_text(text)
        return element

    def money(self, parent: etree._Element, tag: str, value: object) -> None:
        self.el(parent, tag, amount(value), currencyID=self.currency)  # type: ignore[arg-type]

    def day(self, parent: etree._Element, tag: str, value: date) -> None:
        self.el(parent, tag, value.isoformat())

    def party(self, parent: etree._Element, tag: str, party: Party) -> None:
        holder = self.el(self.el(parent, tag), "cac:Party")
        if party.siren:  # BT-34 / BT-49: the party's line in the reform's annuaire
            self.el(holder, "cbc:EndpointID", party.electronic_address, schemeID="0225")
        if party.siret:  # BT-29 / BT-46
            identification = self.el(holder, "cac:PartyIdentification")
            self.el(identification, "cbc:ID", party.siret, schemeID="0009")
        self.address(holder, "cac:PostalAddress", party)
        if party.vat_number:
            scheme = self.el(holder, "cac:PartyTaxScheme")
            self.el(scheme, "cbc:CompanyID", party.vat_number)
            self.el(self.el(scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
        if party.tax_registration:  # BT-32: a seller without a VAT number
            scheme = self.el(holder, "cac:PartyTaxScheme")
            self.el(scheme, "cbc:CompanyID", party.tax_registration)
            self.el(self.el(scheme, "cac:TaxScheme"), "cbc:ID", "FC")
        legal = self.el(holder, "cac:PartyLegalEntity")
        self.el(legal, "cbc:RegistrationName", party.name)
        if party.siren:
            self.el(legal, "cbc:CompanyID", party.siren, schemeID="0002")
        if party.email:
            self.el(self.el(holder, "cac:Contact"), "cbc:ElectronicMail", party.email)

    def address(self, parent: etree._Element, tag: str, party: Party) -> None:
        address = self.el(parent, tag)
        if party.line1:
            self.el(address, "cbc:StreetName", party.line1)
        if party.line2:
            self.el(address, "cbc:AdditionalStreetName", party.line2)
        if party.city:
            self.el(address, "cbc:CityName", party.city)
        if party.postal_code:
            self.el(address, "cbc:PostalZone", party.postal_code)
        self.el(self.el(address, "cac:Country"), "cbc:IdentificationCode", party.country or "FR")

    def category(self, parent: etree._Element, tag: str, code: str, vat_rate: object) -> etree._Element:
        category = self.el(parent, tag)
        self.el(category, "cbc:ID", code)
        if code != "O":
            self.el(category, "cbc:Percent", rate(vat_rate))  # type: ignore[arg-type]
        return category


# BT-8: CII's UNTDID 2475 codes and their UNTDID 2005 equivalents in UBL (EN 16931).
VAT_DUE_CODES = {"5": "3", "29": "35", "72": "432"}


def build(doc: Document) -> bytes:
    """The UBL 2.1 ``Invoice`` (or ``CreditNote``) of the document, as UTF-8 bytes."""
    credit = doc.type_code == TYPE_CREDIT_NOTE
    kind = "CreditNote" if credit else "Invoice"
    w = _Writer(doc.currency)
    root = etree.Element(
        f"{{{CREDIT_NOTE if credit else INVOICE}}}{kind}",
        nsmap={None: CREDIT_NOTE if credit else INVOICE, "cac": CAC, "cbc": CBC},
    )
    w.el(root, "cbc:CustomizationID", EN16931)  # BT-24
    w.el(root, "cbc:ProfileID", doc.billing_mode)  # BT-23
    w.el(root, "cbc:ID", doc.number)
    w.day(root, "cbc:IssueDate", doc.issue_date)
    if doc.due_date and not credit:
        w.day(root, "cbc:DueDate", doc.due_date)
    w.el(root, f"cbc:{kind}TypeCode", doc.type_code)
    for subject, text in doc.notes.items():
        w.el(root, "cbc:Note", f"#{subject}#{text}")
    w.el(root, "cbc:DocumentCurrencyCode", doc.currency)
    if doc.buyer_reference:
        w.el(root, "cbc:BuyerReference", doc.buyer_reference)
    if doc.vat_due_code:  # BT-8, in UNTDID 2005 in UBL
        w.el(w.el(root, "cac:InvoicePeriod"), "cbc:DescriptionCode", VAT_DUE_CODES[doc.vat_due_code])
    if doc.order_reference:
        w.el(w.el(root, "cac:OrderReference"), "cbc:ID", doc.order_reference)
    for preceding_number, preceding_date in doc.preceding:
        reference = w.el(w.el(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        w.el(reference, "cbc:ID", preceding_number)
        w.day(reference, "cbc:IssueDate", preceding_date)
    w.party(root, "cac:AccountingSupplierParty", doc.seller)
    w.party(root, "cac:AccountingCustomerParty", doc.buyer)
    if doc.ship_to is not None or doc.delivery_date is not None:
        delivery = w.el(root, "cac:Delivery")
        if doc.delivery_date is not None:
            w.day(delivery, "cbc:ActualDeliveryDate", doc.delivery_date)
        if doc.ship_to is not None:
            w.address(w.el(delivery, "cac:DeliveryLocation"), "cac:Address", doc.ship_to)
            w.el(w.el(w.el(delivery, "cac:DeliveryParty"), "cac:PartyName"), "cbc:Name", doc.ship_to.name)
    if doc.iban or (credit and doc.due_date):
        means = w.el(root, "cac:PaymentMeans")
        w.el(means, "cbc:PaymentMeansCode", "58" if doc.iban else "1")  # SEPA credit transfer
        if credit and doc.due_date:
            w.day(means, "cbc:PaymentDueDate", doc.due_date)
        w.el(means, "cbc:PaymentID", doc.number)
        if doc.iban:
            account = w.el(means, "cac:PayeeFinancialAccount")
            w.el(account, "cbc:ID", doc.iban)
            if doc.bic:
                w.el(w.el(account, "cac:FinancialInstitutionBranch"), "cbc:ID", doc.bic)
    if doc.payment_terms:
        w.el(w.el(root, "cac:PaymentTerms"), "cbc:Note", doc.payment_terms)
    for category, vat_rate, value in doc.allowance_vat:
        allowance = w.el(root, "cac:AllowanceCharge")
        w.el(allowance, "cbc:ChargeIndicator", "false")
        w.el(allowance, "cbc:AllowanceChargeReasonCode", "95")  # discount
        w.el(allowance, "cbc:AllowanceChargeReason", "Remise")
        w.money(allowance, "cbc:Amount", value)
        tax = w.category(allowance, "cac:TaxCategory", category, vat_rate)
        w.el(w.el(tax, "cac:TaxScheme"), "cbc:ID", "VAT")
    total = w.el(root, "cac:TaxTotal")
    w.money(total, "cbc:TaxAmount", doc.vat_total)
    for b in doc.vat:
        subtotal = w.el(total, "cac:TaxSubtotal")
        w.money(subtotal, "cbc:TaxableAmount", b.taxable)
        w.money(subtotal, "cbc:TaxAmount", b.vat)
        tax = w.category(subtotal, "cac:TaxCategory", b.category, b.rate)
        if b.exemption_code:
            w.el(tax, "cbc:TaxExemptionReasonCode", b.exemption_code)
        if b.exemption_reason:
            w.el(tax, "cbc:TaxExemptionReason", b.exemption_reason)
        w.el(w.el(tax, "cac:TaxScheme"), "cbc:ID", "VAT")
    totals = w.el(root, "cac:LegalMonetaryTotal")
    w.money(totals, "cbc:LineExtensionAmount", doc.lines_net)
    w.money(totals, "cbc:TaxExclusiveAmount", doc.net)
    w.money(totals, "cbc:TaxInclusiveAmount", doc.gross)
    w.money(totals, "cbc:AllowanceTotalAmount", doc.allowance)
    w.money(totals, "cbc:ChargeTotalAmount", 0)
    w.money(totals, "cbc:PrepaidAmount", doc.prepaid)
    w.money(totals, "cbc:PayableAmount", doc.due)
    for line in doc.lines:
        item_line = w.el(root, f"cac:{kind}Line")
        w.el(item_line, "cbc:ID", str(line.number))
        w.el(
            item_line,
            "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity",
            number(line.quantity),
            unitCode=UNIT_CODES.get(line.unit, "C62"),
        )
        w.money(item_line, "cbc:LineExtensionAmount", line.net)
        if line.allowance:
            allowance = w.el(item_line, "cac:AllowanceCharge")
            w.el(allowance, "cbc:ChargeIndicator", "false")
            w.el(allowance, "cbc:AllowanceChargeReasonCode", "95")
            w.el(allowance, "cbc:AllowanceChargeReason", "Remise")
            w.money(allowance, "cbc:Amount", line.allowance)
        item = w.el(item_line, "cac:Item")
        w.el(item, "cbc:Name", line.name)
        tax = w.category(item, "cac:ClassifiedTaxCategory", line.vat_category, line.vat_rate)
        w.el(w.el(tax, "cac:TaxScheme"), "cbc:ID", "VAT")
        w.el(
            w.el(item_line, "cac:Price"), "cbc:PriceAmount", number(line.unit_price), currencyID=doc.currency
        )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
