"""E-reporting files (DGFiP flux 10, the Flow Service's ``FRR`` syntax): what the school
sold to individuals and to foreign businesses, and what it was paid, for one period.

- transactions (``TransactionsReport``): 10.1, one ``Invoice`` per invoice to a foreign
  business; 10.3, the day's sales to individuals, totalled per category and VAT rate;
- payments (``PaymentsReport``): 10.2 per invoice, 10.4 per day, the amounts cashed per VAT
  rate when VAT is due on receipt.

A file holds transactions or payments, never both (rule G6.29). Pure functions of their
inputs: no database, no request. The root ``Report`` is in no namespace (the XSDs have no
target namespace for it); element order follows the XSDs (every group is a sequence); dates
are ``AAAAMMJJ``, timestamps ``AAAAMMJJHHMMSS`` (the AIFE schematron's formats).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from lxml import etree

XSD = Path(__file__).parent / "specs" / "flux10" / "ereporting.xsd"
PROCESS_TYPE = "urn.cpro.gouv.fr:1p0:ereporting"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Header:
    """TB-1: the report itself, its sender (the platform, by its matricule) and its issuer
    (the school, by its SIREN)."""

    report_id: str  # TT-1, unique per transmission
    issued_at: datetime
    correction: bool  # TT-4: RE replaces the period's report already sent, IN otherwise
    platform_number: str  # the platform's 4-character matricule (scheme 0238)
    platform_name: str
    siren: str
    school_name: str


@dataclass(frozen=True)
class Subtotal:
    """One VAT rate of a day's sales (TG-32) or of an invoice (TG-23)."""

    rate: Decimal
    taxable: Decimal
    vat: Decimal
    code: str = "S"  # the invoice's VAT category (S, Z, E…), for 10.1
    exemption: str | None = None  # reason and its VATEX code, required with E (G1.40)
    exemption_code: str | None = None


@dataclass(frozen=True)
class DaySales:
    """10.3: the day's sales to individuals of one category (TT-81: TLB1 goods, TPS1
    services, TMA1 mixed, TNT1 not taxed in France)."""

    day: date
    category: str
    count: int
    subtotals: tuple[Subtotal, ...]


@dataclass(frozen=True)
class Buyer:
    """A foreign buyer: scheme 0223 (EU, its VAT number) or 0227 (outside the EU)."""

    scheme: str
    identifier: str
    country: str
    vat_number: str | None = None


@dataclass(frozen=True)
class InvoiceSale:
    """10.1: one invoice (380), deposit invoice (386) or credit note (381) to a foreign business."""

    number: str
    issue_date: date
    type_code: str
    process: str  # BT-23: S1, B1, M1 (B4, S4, M4 for a final invoice after deposits)
    due_date: date | None
    seller_vat_number: str
    buyer: Buyer
    subtotals: tuple[Subtotal, ...]
    credited: tuple[str, date] | None = None  # a credit note's invoice (G1.32)


@dataclass(frozen=True)
class Cashed:
    """10.2 (with an invoice) or 10.4 (a day's total): amounts received, VAT included, per rate."""

    day: date
    amounts: tuple[tuple[Decimal, Decimal], ...]
    invoice: tuple[str, date] | None = None


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def _amount(value: Decimal) -> str:
    return str(value.quantize(CENT))


def _rate(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _el(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    node = etree.SubElement(parent, tag, attributes)
    if text is not None:
        node.text = text
    return node


def _document(header: Header) -> etree._Element:
    root = etree.Element("Report")
    doc = _el(root, "ReportDocument")
    _el(doc, "Id", header.report_id)
    _el(
        _el(doc, "IssueDateTime"), "DateTimeString", header.issued_at.astimezone(UTC).strftime("%Y%m%d%H%M%S")
    )
    _el(doc, "TypeCode", "RE" if header.correction else "IN")
    sender = _el(doc, "Sender")
    _el(sender, "Id", header.platform_number, schemeId="0238")
    _el(sender, "Name", header.platform_name)
    _el(sender, "RoleCode", "WK")
    issuer = _el(doc, "Issuer")
    _el(issuer, "Id", header.siren, schemeId="0002")
    _el(issuer, "Name", header.school_name)
    _el(issuer, "RoleCode", "SE")
    return root


def _period(parent: etree._Element, start: date, end: date) -> None:
    period = _el(parent, "ReportPeriod")
    _el(period, "StartDate", _day(start))
    _el(period, "EndDate", _day(end))


def _bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def transactions_report(
    header: Header,
    start: date,
    end: date,
    invoices: tuple[InvoiceSale, ...] = (),
    days: tuple[DaySales, ...] = (),
) -> bytes:
    """A transactions file: 10.1 invoices, then 10.3 days (``end`` included)."""
    root = _document(header)
    report = _el(root, "TransactionsReport")
    _period(report, start, end)
    for sale in invoices:
        _invoice(report, sale, header.siren)
    for sales in days:
        node = _el(report, "Transactions")
        _el(node, "Date", _day(sales.day))
        _el(node, "TransactionsCurrency", "EUR")
        _el(node, "CategoryCode", sales.category)
        _el(node, "TaxExclusiveAmount", _amount(sum((s.taxable for s in sales.subtotals), Decimal(0))))
        _el(node, "TaxTotal", _amount(sum((s.vat for s in sales.subtotals), Decimal(0))))
        _el(node, "TransactionsCount", str(sales.count))
        for sub in sales.subtotals:
            line = _el(node, "TaxSubtotal")
            _el(line, "TaxPercent", _rate(sub.rate))
            _el(line, "TaxableAmount", _amount(sub.taxable))
            _el(line, "TaxTotal", _amount(sub.vat))
    return _bytes(root)


def _invoice(report: etree._Element, sale: InvoiceSale, siren: str) -> None:
    node = _el(report, "Invoice")
    _el(node, "ID", sale.number)
    _el(node, "IssueDate", _day(sale.issue_date))
    _el(node, "TypeCode", sale.type_code)
    _el(node, "CurrencyCode", "EUR")
    if sale.due_date is not None:
        _el(node, "DueDate", _day(sale.due_date))
    process = _el(node, "BusinessProcess")
    _el(process, "ID", sale.process)
    _el(process, "TypeID", PROCESS_TYPE)
    if sale.credited is not None:
        referenced = _el(node, "ReferencedDocument")
        _el(referenced, "ID", sale.credited[0])
        _el(referenced, "IssueDate", _day(sale.credited[1]))
    seller = _el(node, "Seller")
    _el(seller, "CompanyId", siren, schemeId="0002")
    _el(seller, "TaxRegistrationId", sale.seller_vat_number, qualifyingId="VAT")
    _el(_el(seller, "PostalAddress"), "CountryId", "FR")
    buyer = _el(node, "Buyer")
    _el(buyer, "CompanyId", sale.buyer.identifier, schemeId=sale.buyer.scheme)
    if sale.buyer.vat_number:
        _el(buyer, "TaxRegistrationId", sale.buyer.vat_number, qualifyingId="VAT")
    _el(_el(buyer, "PostalAddress"), "CountryId", sale.buyer.country)
    totals = _el(node, "MonetaryTotal")
    _el(totals, "TaxExclusiveAmount", _amount(sum((s.taxable for s in sale.subtotals), Decimal(0))))
    _el(totals, "TaxAmount", _amount(sum((s.vat for s in sale.subtotals), Decimal(0))), CurrencyCode="EUR")
    for sub in sale.subtotals:
        line = _el(node, "TaxSubTotal")
        _el(line, "TaxableAmount", _amount(sub.taxable))
        _el(line, "TaxAmount", _amount(sub.vat))
        category = _el(line, "TaxCategory")
        _el(category, "Code", sub.code)
        _el(category, "Percent", _rate(sub.rate))
        if sub.exemption:
            _el(category, "TaxExemptionReason", sub.exemption)
        if sub.exemption_code:
            _el(category, "TaxExemptionReasonCode", sub.exemption_code)


def payments_report(header: Header, start: date, end: date, cashed: tuple[Cashed, ...]) -> bytes:
    """A payments file: 10.2 (per invoice) then 10.4 (per day)."""
    root = _document(header)
    report = _el(root, "PaymentsReport")
    _period(report, start, end)
    for item in sorted(cashed, key=lambda c: c.invoice is None):
        if item.invoice is not None:
            parent = _el(report, "Invoice")
            _el(parent, "InvoiceID", item.invoice[0])
            _el(parent, "IssueDate", _day(item.invoice[1]))
        else:
            parent = _el(report, "Transactions")
        payment = _el(parent, "Payment")
        _el(payment, "Date", _day(item.day))
        for rate, amount in item.amounts:
            sub = _el(payment, "SubTotals")
            _el(sub, "TaxPercent", _rate(rate))
            _el(sub, "CurrencyCode", "EUR")
            _el(sub, "Amount", _amount(amount))
    return _bytes(root)


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def schema_errors(xml: bytes) -> list[str]:
    """The DGFiP Flux 10 XSD's complaints about a file (none for a valid one)."""
    schema = _schema()
    try:
        root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return [str(exc)]
    return [] if schema.validate(root) else [str(e) for e in schema.error_log]
