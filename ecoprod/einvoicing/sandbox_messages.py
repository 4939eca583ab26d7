"""What the sandbox platform writes as the buyer's side would: the facts a status message names
of an invoice (read from the file sent, in any of its syntaxes) and the CDAR status message
itself, in the shape of XP Z12-012 annex B's examples (v1.4). Independent of EcoProd's own
CDAR writer (``einvoicing/cdar.py``): a double of the standard, not of EcoProd."""

from __future__ import annotations

from datetime import UTC, datetime

CII = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
UBL = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


def invoice_facts(content: bytes, syntax: str) -> dict[str, str]:
    """What a status message names of the invoice: number, date (CCYYMMDD), type, SIRENs."""
    from lxml import etree

    if syntax == "Factur-X":
        import facturx

        _, content = facturx.get_xml_from_pdf(content, check_xsd=False)
    root = etree.fromstring(content)
    if syntax == "UBL":

        def first(path: str) -> str:
            return root.findtext(path, namespaces=UBL) or ""

        kind = "381" if etree.QName(root).localname == "CreditNote" else "380"
        return {
            "number": first("cbc:ID"),
            "date": first("cbc:IssueDate").replace("-", ""),
            "type": first("cbc:InvoiceTypeCode") or first("cbc:CreditNoteTypeCode") or kind,
            "seller": first("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID"),
            "buyer": first("cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID"),
        }
    trade = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/"
    return {
        "number": root.findtext("rsm:ExchangedDocument/ram:ID", namespaces=CII) or "",
        "date": root.findtext("rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString", namespaces=CII)
        or "",
        "type": root.findtext("rsm:ExchangedDocument/ram:TypeCode", namespaces=CII) or "380",
        "seller": root.findtext(
            trade + "ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID", namespaces=CII
        )
        or "",
        "buyer": root.findtext(
            trade + "ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID", namespaces=CII
        )
        or "",
    }


LABELS = {200: "Déposée", 205: "Approuvée", 206: "Approuvée partiellement", 207: "En litige",
          208: "Suspendue", 210: "Refusée", 211: "Paiement transmis", 213: "Rejetée"}  # fmt: skip
# Statuses posted by a platform (transmission phase, 305) rather than by the buyer (23).
PLATFORM_STATUSES = frozenset({200, 201, 202, 203, 213})


def status_message(
    facts: dict[str, str],
    code: int,
    reason_code: str | None,
    reason: str | None,
    at: datetime | None = None,
) -> bytes:
    """A CDAR message to the seller, in the shape of XP Z12-012 annex B's examples (v1.4)."""
    from xml.sax.saxutils import escape

    stamp = (at or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%d%H%M%S")
    by_platform = code in PLATFORM_STATUSES
    issuer = (
        "<ram:RoleCode>WK</ram:RoleCode>"
        if by_platform
        else f'<ram:GlobalID schemeID="0002">{escape(facts["buyer"] or "000000000")}</ram:GlobalID>'
        "<ram:Name>ACHETEUR</ram:Name><ram:RoleCode>BY</ram:RoleCode>"
    )
    detail = ""
    if reason_code:
        detail = (
            f"<ram:SpecifiedDocumentStatus><ram:ReasonCode>{escape(reason_code)}</ram:ReasonCode>"
            + (f"<ram:Reason>{escape(reason)}</ram:Reason>" if reason else "")
            + "<ram:SequenceNumeric>1</ram:SequenceNumeric></ram:SpecifiedDocumentStatus>"
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossDomainAcknowledgementAndResponse xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
<rsm:ExchangedDocumentContext><ram:BusinessProcessSpecifiedDocumentContextParameter><ram:ID>REGULATED</ram:ID></ram:BusinessProcessSpecifiedDocumentContextParameter><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn.cpro.gouv.fr:1p0:CDV:invoice</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
<rsm:ExchangedDocument><ram:ID>{escape(facts["number"])}_{code}_{stamp}</ram:ID><ram:IssueDateTime><udt:DateTimeString format="204">{stamp}</udt:DateTimeString></ram:IssueDateTime><ram:SenderTradeParty><ram:RoleCode>WK</ram:RoleCode></ram:SenderTradeParty><ram:IssuerTradeParty>{issuer}</ram:IssuerTradeParty><ram:RecipientTradeParty><ram:GlobalID schemeID="0002">{escape(facts["seller"])}</ram:GlobalID><ram:Name>VENDEUR</ram:Name><ram:RoleCode>SE</ram:RoleCode><ram:URIUniversalCommunication><ram:URIID schemeID="0225">{escape(facts["seller"])}</ram:URIID></ram:URIUniversalCommunication></ram:RecipientTradeParty></rsm:ExchangedDocument>
<rsm:AcknowledgementDocument><ram:MultipleReferencesIndicator><udt:Indicator>false</udt:Indicator></ram:MultipleReferencesIndicator><ram:TypeCode>{305 if by_platform else 23}</ram:TypeCode><ram:IssueDateTime><udt:DateTimeString format="204">{stamp}</udt:DateTimeString></ram:IssueDateTime><ram:ReferenceReferencedDocument><ram:IssuerAssignedID>{escape(facts["number"])}</ram:IssuerAssignedID><ram:TypeCode>{escape(facts["type"])}</ram:TypeCode><ram:FormattedIssueDateTime><qdt:DateTimeString format="102">{escape(facts["date"])}</qdt:DateTimeString></ram:FormattedIssueDateTime><ram:ProcessConditionCode>{code}</ram:ProcessConditionCode><ram:ProcessCondition>{LABELS.get(code, "")}</ram:ProcessCondition><ram:IssuerTradeParty><ram:GlobalID schemeID="0002">{escape(facts["seller"])}</ram:GlobalID></ram:IssuerTradeParty>{detail}</ram:ReferenceReferencedDocument></rsm:AcknowledgementDocument>
</rsm:CrossDomainAcknowledgementAndResponse>
""".encode()
