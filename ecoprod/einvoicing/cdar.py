"""Life-cycle messages (UN/CEFACT CDAR D22B, French profile XP Z12-012 v1.4, rules BR-FR-CDV):
read the statuses the platform passes on, write the seller's 212 *Encaissée*.

Pure functions of their inputs: no database, no request. Element order follows the XSD
(every group is an ``xsd:sequence``); what the rules cannot check when it is missing
(the invoice's number, the message's date) is always written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from lxml import etree

RSM = "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NS = {"rsm": RSM, "ram": RAM, "qdt": QDT, "udt": UDT}

# The statuses (XP Z12-012 annex A) an invoice's page names, in French as the reform does.
STATUSES = {
    200: "Déposée",
    201: "Émise par la plateforme",
    202: "Reçue par la plateforme",
    203: "Mise à disposition",
    204: "Prise en charge",
    205: "Approuvée",
    206: "Approuvée partiellement",
    207: "En litige",
    208: "Suspendue",
    209: "Complétée",
    210: "Refusée",
    211: "Paiement transmis",
    212: "Encaissée",
    213: "Rejetée",
    214: "Visée",
}
# Statuses the school's administrators are told of at once.
ALERTS = frozenset({207, 210, 213})


class CdarError(ValueError):
    """A file that is not a life-cycle message EcoProd can read."""


@dataclass(frozen=True)
class StatusReport:
    """One status about one invoice, as a message carries it."""

    invoice_number: str
    invoice_date: date | None
    seller_siren: str | None
    code: int
    at: datetime | None
    reason_code: str | None = None
    reason: str | None = None
    requested_action: str | None = None


def _text(node: etree._Element, path: str) -> str | None:
    found = node.find(path, NS)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _datetime(node: etree._Element, path: str) -> datetime | None:
    """A ``udt:DateTimeString`` (format 204, CCYYMMDDHHMMSS, taken as UTC) or ``udt:DateTime``."""
    found = node.find(path, NS)
    if found is None:
        return None
    value = _text(found, "udt:DateTimeString")
    if value:
        try:
            return datetime.strptime(value[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        except ValueError:
            return None
    value = _text(found, "udt:DateTime")
    if value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def parse(xml: bytes) -> list[StatusReport]:
    """Every status the message carries (one per referenced invoice and status)."""
    try:
        root = etree.fromstring(
            xml.removeprefix(b"\xef\xbb\xbf"), parser=etree.XMLParser(resolve_entities=False)
        )
    except etree.XMLSyntaxError as exc:
        raise CdarError(f"not XML: {exc}") from exc
    if etree.QName(root).namespace != RSM:
        raise CdarError("not a CrossDomainAcknowledgementAndResponse message")
    reports = []
    for ack in root.findall("rsm:AcknowledgementDocument", NS):
        posted = _datetime(ack, "ram:IssueDateTime")
        for ref in ack.findall("ram:ReferenceReferencedDocument", NS):
            number, code = _text(ref, "ram:IssuerAssignedID"), _text(ref, "ram:ProcessConditionCode")
            if not number or not code or not code.isdigit():
                continue
            issued = _text(ref, "ram:FormattedIssueDateTime/qdt:DateTimeString")
            try:
                invoice_date = date(int(issued[:4]), int(issued[4:6]), int(issued[6:8])) if issued else None
            except ValueError:
                invoice_date = None
            details = sorted(
                ref.findall("ram:SpecifiedDocumentStatus", NS),
                key=lambda d: int(_text(d, "ram:SequenceNumeric") or 0),
            )
            first = details[0] if details else None
            reports.append(
                StatusReport(
                    invoice_number=number,
                    invoice_date=invoice_date,
                    seller_siren=_text(ref, "ram:IssuerTradeParty/ram:GlobalID[@schemeID='0002']"),
                    code=int(code),
                    at=posted,
                    reason_code=_text(first, "ram:ReasonCode") if first is not None else None,
                    reason=_text(first, "ram:Reason") if first is not None else None,
                    requested_action=_text(first, "ram:RequestedAction") if first is not None else None,
                )
            )
    return reports


# --- The seller's 212 Encaissée ------------------------------------------------------------


@dataclass(frozen=True)
class Party:
    siren: str
    name: str
    address: str  # the directory's electronic address (scheme 0225)


@dataclass(frozen=True)
class Cashed:
    """What a 212 says: this invoice, this much cashed per VAT rate (incl. VAT)."""

    message_id: str
    invoice_number: str
    invoice_date: date
    type_code: str  # BT-3: 380, 381…
    seller: Party
    buyer: Party
    cashed_at: datetime
    received_at: datetime  # when the seller's platform took the invoice (its 200)
    amounts: list[tuple[Decimal, Decimal]] = field(default_factory=list)  # (VAT rate, amount incl. VAT)


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    prefix, name = tag.split(":")
    node = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", attrib)
    if text is not None:
        node.text = text
    return node


def _stamp(parent: etree._Element, tag: str, moment: datetime) -> None:
    _el(_el(parent, tag), "udt:DateTimeString", moment.astimezone(UTC).strftime("%Y%m%d%H%M%S"), format="204")


def _party(parent: etree._Element, tag: str, party: Party, role: str) -> None:
    node = _el(parent, tag)
    _el(node, "ram:GlobalID", party.siren, schemeID="0002")
    _el(node, "ram:Name", party.name)
    _el(node, "ram:RoleCode", role)
    _el(_el(node, "ram:URIUniversalCommunication"), "ram:URIID", party.address, schemeID="0225")


def build_cashed(message: Cashed, now: datetime) -> bytes:
    """The seller's 212 *Encaissée* to the buyer (profile ``CDV:invoice``), with one ``MEN``
    amount per VAT rate (BR-FR-CDV-14); negative for a credit note refunded."""
    if not message.amounts:
        raise CdarError("a 212 needs the amount cashed (BR-FR-CDV-14)")
    root = etree.Element(f"{{{RSM}}}CrossDomainAcknowledgementAndResponse", nsmap={"rsm": RSM, **NS})
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(_el(context, "ram:BusinessProcessSpecifiedDocumentContextParameter"), "ram:ID", "REGULATED")
    _el(
        _el(context, "ram:GuidelineSpecifiedDocumentContextParameter"),
        "ram:ID",
        "urn.cpro.gouv.fr:1p0:CDV:invoice",
    )
    document = _el(root, "rsm:ExchangedDocument")
    _el(document, "ram:ID", message.message_id)
    _el(document, "ram:Name", f"{message.invoice_number}-CDV-212_Encaissee")
    _stamp(document, "ram:IssueDateTime", now)
    _el(_el(document, "ram:SenderTradeParty"), "ram:RoleCode", "WK")
    _party(document, "ram:IssuerTradeParty", message.seller, "SE")
    _party(document, "ram:RecipientTradeParty", message.buyer, "BY")
    ack = _el(root, "rsm:AcknowledgementDocument")
    _el(_el(ack, "ram:MultipleReferencesIndicator"), "udt:Indicator", "false")
    _el(ack, "ram:TypeCode", "23")  # a processing status
    _stamp(ack, "ram:IssueDateTime", message.cashed_at)
    ref = _el(ack, "ram:ReferenceReferencedDocument")
    _el(ref, "ram:IssuerAssignedID", message.invoice_number)
    _el(ref, "ram:StatusCode", "47")
    _el(ref, "ram:TypeCode", message.type_code)
    _stamp(ref, "ram:ReceiptDateTime", message.received_at)
    _el(
        _el(ref, "ram:FormattedIssueDateTime"),
        "qdt:DateTimeString",
        message.invoice_date.strftime("%Y%m%d"),
        format="102",
    )
    _el(ref, "ram:ProcessConditionCode", "212")
    _el(ref, "ram:ProcessCondition", "Encaissée")
    _el(_el(ref, "ram:IssuerTradeParty"), "ram:GlobalID", message.seller.siren, schemeID="0002")
    status = _el(ref, "ram:SpecifiedDocumentStatus")
    _el(status, "ram:SequenceNumeric", "1")
    for rate, amount in message.amounts:
        characteristic = _el(status, "ram:SpecifiedDocumentCharacteristic")
        _el(characteristic, "ram:TypeCode", "MEN")
        _el(_el(characteristic, "ram:ValueChangedIndicator"), "udt:IndicatorString", "false")
        _el(characteristic, "ram:ValueAmount", f"{amount:.2f}", currencyID="EUR")
        _el(characteristic, "ram:ValuePercent", f"{rate:.2f}")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
