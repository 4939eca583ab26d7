"""The Factur-X EN 16931 XML (UN/CEFACT Cross Industry Invoice D16B) of an invoice.

A pure function of a ``Document``: the invoicing services fill one from an issued invoice,
the PDF embeds the bytes. Business-term numbers (BT-…) follow EN 16931; the French rules
(BR-FR-…) of the 2026–2027 reform are met too: the recovery-indemnity, late-penalty and
discount notes (PMT, PMD, AAB), the billing mode (BT-23), the seller's SIREN and both
parties' electronic addresses (scheme 0225: the SIREN).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
EN16931 = "urn:cen.eu:en16931:2017"

TYPE_INVOICE = "380"
TYPE_DEPOSIT = "386"
TYPE_CREDIT_NOTE = "381"

# UN/ECE Recommendation 20 codes of our units.
UNIT_CODES = {
    "piece": "C62",
    "set": "SET",
    "kg": "KGM",
    "m": "MTR",
    "m2": "MTK",
    "l": "LTR",
    "h": "HUR",
    "flat": "C62",
}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Party:
    name: str
    siren: str | None
    siret: str | None = None
    vat_number: str | None = None
    line1: str | None = None
    line2: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str = "FR"
    email: str | None = None
    tax_registration: str | None = None  # BT-32, for a seller without a VAT number
    address: str | None = None  # BT-34 / BT-49: the annuaire's line, the SIREN when not given

    @property
    def electronic_address(self) -> str | None:
        return self.address or self.siren


@dataclass(frozen=True)
class Line:
    number: int
    name: str
    quantity: Decimal
    unit: str
    unit_price: Decimal  # net of VAT, before the line's discount
    allowance: Decimal  # the line's discount, as an amount
    net: Decimal  # quantity × unit price − allowance, to the cent
    vat_category: str  # S (standard), E (exempt)
    vat_rate: Decimal


@dataclass(frozen=True)
class VatBreakdown:
    category: str
    rate: Decimal
    taxable: Decimal
    vat: Decimal
    exemption_reason: str | None = None
    exemption_code: str | None = None  # BT-121, e.g. VATEX-FR-FRANCHISE


@dataclass
class Document:
    number: str
    type_code: str
    issue_date: date
    billing_mode: str  # BT-23: B1/S1/M1 (goods, services, mixed), B4/S4/M4 after a deposit
    seller: Party
    buyer: Party
    lines: list[Line]
    vat: list[VatBreakdown]
    lines_net: Decimal
    allowance: Decimal  # document-level discount
    net: Decimal
    vat_total: Decimal
    gross: Decimal
    prepaid: Decimal
    due: Decimal
    notes: dict[str, str]  # subject code (PMT, PMD, AAB, TXD…) → text
    allowance_rate: Decimal | None = None
    allowance_vat: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)  # category, rate, amount
    buyer_reference: str | None = None  # BT-10
    order_reference: str | None = None  # BT-13, the buyer's purchase order
    delivery_date: date | None = None  # BT-72
    ship_to: Party | None = None
    due_date: date | None = None
    payment_terms: str | None = None
    iban: str | None = None
    bic: str | None = None
    preceding: list[tuple[str, date]] = field(default_factory=list)  # BT-25/BT-26
    currency: str = "EUR"
    vat_due_code: str | None = None  # BT-8 (UNTDID 2475): 5 = the invoice's date, VAT on debits


def amount(value: Decimal) -> str:
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def number(value: Decimal, places: int = 4) -> str:
    """A quantity or a price: as few decimals as it needs, at most ``places``."""
    text = f"{Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def rate(value: Decimal) -> str:
    return number(value, 2)


# Characters XML 1.0 cannot carry (C0 controls but tab and line breaks, lone surrogates,
# U+FFFE/U+FFFF): a description pasted from another program may hold some.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """The text as XML can hold it: characters it cannot carry are dropped."""
    return NOT_XML.sub("", value)


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", attrib)
    if text is not None:
        element.text = xml_text(text)
    return element


def _date(parent: etree._Element, tag: str, day: date, kind: str = "udt") -> None:
    holder = _el(parent, tag)
    _el(holder, f"{kind}:DateTimeString", day.strftime("%Y%m%d"), format="102")


def _party(parent: etree._Element, tag: str, party: Party, legal: bool = True) -> None:
    node = _el(parent, tag)
    _el(node, "ram:Name", party.name)
    if legal and party.siren:
        org = _el(node, "ram:SpecifiedLegalOrganization")
        _el(org, "ram:ID", party.siren, schemeID="0002")
    address = _el(node, "ram:PostalTradeAddress")
    if party.postal_code:
        _el(address, "ram:PostcodeCode", party.postal_code)
    if party.line1:
        _el(address, "ram:LineOne", party.line1)
    if party.line2:
        _el(address, "ram:LineTwo", party.line2)
    if party.city:
        _el(address, "ram:CityName", party.city)
    _el(address, "ram:CountryID", party.country or "FR")
    if legal and party.siren:
        # BT-34 / BT-49: the party's line in the reform's annuaire (it starts with the SIREN).
        uri = _el(node, "ram:URIUniversalCommunication")
        _el(uri, "ram:URIID", party.electronic_address, schemeID="0225")
    if legal and party.vat_number:
        registration = _el(node, "ram:SpecifiedTaxRegistration")
        _el(registration, "ram:ID", party.vat_number, schemeID="VA")
    if legal and party.tax_registration:
        registration = _el(node, "ram:SpecifiedTaxRegistration")
        _el(registration, "ram:ID", party.tax_registration, schemeID="FC")


def build(doc: Document) -> bytes:
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = _el(root, "rsm:ExchangedDocumentContext")
    process = _el(context, "ram:BusinessProcessSpecifiedDocumentContextParameter")
    _el(process, "ram:ID", doc.billing_mode)
    guideline = _el(context, "ram:GuidelineSpecifiedDocumentContextParameter")
    _el(guideline, "ram:ID", EN16931)

    header = _el(root, "rsm:ExchangedDocument")
    _el(header, "ram:ID", doc.number)
    _el(header, "ram:TypeCode", doc.type_code)
    _date(header, "ram:IssueDateTime", doc.issue_date)
    for subject, text in doc.notes.items():
        note = _el(header, "ram:IncludedNote")
        _el(note, "ram:Content", text)
        _el(note, "ram:SubjectCode", subject)

    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    for line in doc.lines:
        item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
        document = _el(item, "ram:AssociatedDocumentLineDocument")
        _el(document, "ram:LineID", str(line.number))
        product = _el(item, "ram:SpecifiedTradeProduct")
        _el(product, "ram:Name", line.name)
        agreement = _el(item, "ram:SpecifiedLineTradeAgreement")
        price = _el(agreement, "ram:NetPriceProductTradePrice")
        _el(price, "ram:ChargeAmount", number(line.unit_price))
        delivery = _el(item, "ram:SpecifiedLineTradeDelivery")
        _el(delivery, "ram:BilledQuantity", number(line.quantity), unitCode=UNIT_CODES.get(line.unit, "C62"))
        settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:TypeCode", "VAT")
        _el(tax, "ram:CategoryCode", line.vat_category)
        if line.vat_category != "O":
            _el(tax, "ram:RateApplicablePercent", rate(line.vat_rate))
        if line.allowance:
            allowance = _el(settlement, "ram:SpecifiedTradeAllowanceCharge")
            indicator = _el(allowance, "ram:ChargeIndicator")
            _el(indicator, "udt:Indicator", "false")
            _el(allowance, "ram:ActualAmount", amount(line.allowance))
            _el(allowance, "ram:Reason", "Remise")
        summation = _el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        _el(summation, "ram:LineTotalAmount", amount(line.net))

    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    if doc.buyer_reference:
        _el(agreement, "ram:BuyerReference", doc.buyer_reference)
    _party(agreement, "ram:SellerTradeParty", doc.seller)
    _party(agreement, "ram:BuyerTradeParty", doc.buyer)
    if doc.order_reference:
        order = _el(agreement, "ram:BuyerOrderReferencedDocument")
        _el(order, "ram:IssuerAssignedID", doc.order_reference)

    delivery = _el(transaction, "ram:ApplicableHeaderTradeDelivery")
    if doc.ship_to is not None:
        _party(delivery, "ram:ShipToTradeParty", doc.ship_to, legal=False)
    if doc.delivery_date is not None:
        event = _el(delivery, "ram:ActualDeliverySupplyChainEvent")
        _date(event, "ram:OccurrenceDateTime", doc.delivery_date)

    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:PaymentReference", doc.number)
    _el(settlement, "ram:InvoiceCurrencyCode", doc.currency)
    if doc.iban:
        means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        _el(means, "ram:TypeCode", "58")  # SEPA credit transfer
        account = _el(means, "ram:PayeePartyCreditorFinancialAccount")
        _el(account, "ram:IBANID", doc.iban)
        if doc.bic:
            institution = _el(means, "ram:PayeeSpecifiedCreditorFinancialInstitution")
            _el(institution, "ram:BICID", doc.bic)
    for b in doc.vat:
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:CalculatedAmount", amount(b.vat))
        _el(tax, "ram:TypeCode", "VAT")
        if b.exemption_reason:
            _el(tax, "ram:ExemptionReason", b.exemption_reason)
        _el(tax, "ram:BasisAmount", amount(b.taxable))
        _el(tax, "ram:CategoryCode", b.category)
        if b.exemption_code:
            _el(tax, "ram:ExemptionReasonCode", b.exemption_code)
        if doc.vat_due_code:
            _el(tax, "ram:DueDateTypeCode", doc.vat_due_code)
        if b.category != "O":
            _el(tax, "ram:RateApplicablePercent", rate(b.rate))
    for category, vat_rate, value in doc.allowance_vat:
        allowance = _el(settlement, "ram:SpecifiedTradeAllowanceCharge")
        indicator = _el(allowance, "ram:ChargeIndicator")
        _el(indicator, "udt:Indicator", "false")
        if doc.allowance_rate:
            _el(allowance, "ram:CalculationPercent", rate(doc.allowance_rate))
        _el(allowance, "ram:ActualAmount", amount(value))
        _el(allowance, "ram:Reason", "Remise")
        tax = _el(allowance, "ram:CategoryTradeTax")
        _el(tax, "ram:TypeCode", "VAT")
        _el(tax, "ram:CategoryCode", category)
        if category != "O":
            _el(tax, "ram:RateApplicablePercent", rate(vat_rate))
    if doc.payment_terms or doc.due_date:
        terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
        if doc.payment_terms:
            _el(terms, "ram:Description", doc.payment_terms)
        if doc.due_date:
            _date(terms, "ram:DueDateDateTime", doc.due_date)
    totals = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(totals, "ram:LineTotalAmount", amount(doc.lines_net))
    _el(totals, "ram:ChargeTotalAmount", "0.00")
    _el(totals, "ram:AllowanceTotalAmount", amount(doc.allowance))
    _el(totals, "ram:TaxBasisTotalAmount", amount(doc.net))
    _el(totals, "ram:TaxTotalAmount", amount(doc.vat_total), currencyID=doc.currency)
    _el(totals, "ram:GrandTotalAmount", amount(doc.gross))
    _el(totals, "ram:TotalPrepaidAmount", amount(doc.prepaid))
    _el(totals, "ram:DuePayableAmount", amount(doc.due))
    for preceding_number, preceding_date in doc.preceding:
        reference = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(reference, "ram:IssuerAssignedID", preceding_number)
        _date(reference, "ram:FormattedIssueDateTime", preceding_date, kind="qdt")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
