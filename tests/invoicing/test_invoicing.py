"""Invoices from deliveries, deposits, credit notes, payments — and every issued PDF a valid
Factur-X EN 16931 document (XSD, EN 16931 schematron, French BR-FR rules) whose XML
amounts are the invoice's."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import facturx
import pytest
import sqlalchemy as sa
from lxml import etree
from pypdf import PdfReader

from ecoprod import documents
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing import billable, services
from ecoprod.invoicing.documents import embedded_xml, ubl_xml
from ecoprod.invoicing.models import Invoice, InvoiceKind, InvoiceState, PaymentMethod
from ecoprod.notifications.models import OutboxEmail
from ecoprod.orders.models import Order, OrderState
from ecoprod.schools.models import School, VatRegime
from ecoprod.tenancy import scoped_to
from tests.factories import accepted_order, deliver
from tests.invoicing import ubl_check
from tests.invoicing.facturx_check import check

RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"
RSM = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}"

TWO_RATES = [
    ("labour", "Tournage des axes", "6", "48.00", "20"),
    ("material", "Acier C45, barres", "40", "3.35", "20"),
    ("other", "Livret technique", "2", "12.50", "5.5"),
]


def stored_pdf(invoice: Invoice) -> bytes:
    return documents.read(invoice.school_id, invoice.pdf_sha256)


def xml_total(xml: bytes, tag: str) -> Decimal:
    root = etree.fromstring(xml)
    return Decimal(root.find(f".//{RAM}SpecifiedTradeSettlementHeaderMonetarySummation/{RAM}{tag}").text)


def assert_valid_facturx(invoice: Invoice) -> bytes:
    """The stored PDF is PDF/A-3 Factur-X EN 16931, its XML valid, its totals the invoice's;
    and the same invoice in UBL 2.1 is valid too (``assert_valid_ubl``)."""
    pdf = stored_pdf(invoice)
    xml = embedded_xml(pdf)
    check(xml)
    assert facturx.get_level(etree.fromstring(xml)) == "en16931"
    catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>3</pdfaid:part>" in xmp or 'pdfaid:part="3"' in xmp
    assert "factur-x.xml" in xmp or "Factur-X" in xmp
    assert xml_total(xml, "TaxBasisTotalAmount") == invoice.total_net
    assert xml_total(xml, "TaxTotalAmount") == invoice.total_vat
    assert xml_total(xml, "GrandTotalAmount") == invoice.total_gross
    assert xml_total(xml, "TotalPrepaidAmount") == invoice.prepaid
    root = etree.fromstring(xml)
    assert root.find(f".//{RSM}ExchangedDocument/{RAM}ID").text == invoice.number
    assert_valid_ubl(invoice)
    return xml


UBL_CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
UBL_CAC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"


def assert_valid_ubl(invoice: Invoice) -> bytes:
    """UBL 2.1: the XSD, the EN 16931 UBL rules and the French rules of France_RFE 1.4, and
    the invoice's number and totals."""
    xml = ubl_xml(invoice, db.session.get(School, invoice.school_id))
    ubl_check.check(xml)
    root = etree.fromstring(xml)
    assert root.findtext(f"{UBL_CBC}ID") == invoice.number
    totals = root.find(f"{UBL_CAC}LegalMonetaryTotal")
    assert Decimal(totals.findtext(f"{UBL_CBC}TaxExclusiveAmount")) == invoice.total_net
    assert Decimal(totals.findtext(f"{UBL_CBC}TaxInclusiveAmount")) == invoice.total_gross
    assert Decimal(totals.findtext(f"{UBL_CBC}PrepaidAmount")) == invoice.prepaid
    assert Decimal(root.findtext(f"{UBL_CAC}TaxTotal/{UBL_CBC}TaxAmount")) == invoice.total_vat
    return xml


def test_a_partial_delivery_is_invoiced_in_part_then_the_rest(app, factory, world):
    world.company.email = "compta@zephyr.example.com"
    order = accepted_order(factory, world, "Axes facturés", TWO_RATES)
    order.lines[0].quantity = Decimal("10")
    db.session.commit()
    deliver(world, order, "4")
    with scoped_to(db.session, world.school.id):
        first = services.draft_invoice([order], world.admin)
        assert [ln.quantity for ln in first.lines] == [Decimal("2.4"), Decimal("16"), Decimal("0.8")]
        assert first.number is None and first.is_draft
        services.issue(first, world.admin)
        db.session.commit()
    assert first.number == f"FA-{local_today().year}-0001"
    assert first.pdf_sha256 and len(first.pdf_sha256) == 64
    xml = assert_valid_facturx(first)
    assert b"<ram:ID>M1</ram:ID>" in xml  # goods and services, no deposit
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(stored_pdf(first))).pages)
    text = text.replace("\xa0", " ").replace("\u202f", " ")
    for mention in (
        "FACTURE",
        first.number,
        "SIREN",
        "40 €",
        "Pénalités de retard",
        "Pas d’escompte",
        "Échéance",
    ):
        assert mention in text, mention
    mail = db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.template == "invoice_issued")).one()
    assert mail.to_address == world.company.email and first.number in mail.subject

    deliver(world, order, "6")
    with scoped_to(db.session, world.school.id):
        rest = services.draft_invoice([order], world.admin)
        assert [ln.quantity for ln in rest.lines] == [Decimal("3.6"), Decimal("24"), Decimal("1.2")]
        services.issue(rest, world.admin)
        db.session.commit()
        assert billable.to_invoice(order) is None
    assert rest.number.endswith("-0002")
    db.session.refresh(order)
    assert order.state is OrderState.INVOICED
    assert first.total_net + rest.total_net == order_quote_net(order)


def order_quote_net(order: Order) -> Decimal:
    return billable.accepted_quote(order).total_net


def test_a_deposit_is_deducted_from_the_final_invoice(app, factory, world):
    order = accepted_order(factory, world, "Acompte", TWO_RATES, state=OrderState.ACCEPTED)
    with scoped_to(db.session, world.school.id):
        deposit = services.draft_deposit(order, Decimal("30"), world.admin)
        assert len(deposit.lines) == 2  # one line per VAT rate of the quote
        services.issue(deposit, world.admin)
        db.session.commit()
    xml = assert_valid_facturx(deposit)
    assert b"<ram:TypeCode>386</ram:TypeCode>" in xml
    quote_gross = billable.accepted_quote(order).total_gross
    assert abs(deposit.total_gross - quote_gross * Decimal("0.3")) <= Decimal("0.02")
    order.state = OrderState.READY
    db.session.commit()
    deliver(world, order, str(order.lines[0].quantity))
    with scoped_to(db.session, world.school.id):
        final = services.draft_invoice([order], world.admin)
        services.issue(final, world.admin)
        db.session.commit()
    assert final.prepaid == deposit.total_gross
    assert final.amount_due == final.total_gross - deposit.total_gross
    xml = assert_valid_facturx(final)
    assert b"<ram:ID>M4</ram:ID>" in xml  # a final invoice after a deposit
    assert xml_total(xml, "DuePayableAmount") == final.amount_due
    db.session.refresh(deposit)
    assert deposit.deducted_in_id == final.id


def test_a_document_discount_and_a_line_discount_are_valid_factur_x(app, factory, world):
    order = accepted_order(
        factory,
        world,
        "Remises",
        [("labour", "Fraisage", "3.5", "47.33", "20"), ("material", "Alu", "7", "9.99", "10")],
        discount="7.5",
    )
    deliver(world, order, str(order.lines[0].quantity))
    with scoped_to(db.session, world.school.id):
        invoice = services.draft_invoice([order], world.admin)
        invoice.lines[0].discount_percent = Decimal("12.5")
        services.issue(invoice, world.admin)
        db.session.commit()
    assert invoice.discount_percent == Decimal("7.5")
    assert_valid_facturx(invoice)


def test_control_characters_pasted_in_a_description_do_not_break_the_xml(app, client, factory, world):
    from tests.conftest import login_as, post

    order = accepted_order(
        factory, world, "Collé\x0bdepuis un tableur", [("labour", "Soudure", "2", "45", "20")]
    )
    deliver(world, order, str(order.lines[0].quantity))
    with scoped_to(db.session, world.school.id):
        invoice = services.draft_invoice([order], world.admin)
        db.session.commit()
    line = invoice.lines[0]
    login_as(client, world.admin)
    posted = {
        "lines-0-line_id": str(line.id),
        "lines-0-kind": "labour",
        "lines-0-description": "Soudure\x00 des\x1f pattes\tà plat",  # NUL: PostgreSQL refuses it
        "lines-0-workshop_id": "0",
        "lines-0-unit": "h",
        "lines-0-quantity": "2",
        "lines-0-unit_price": "45",
        "lines-0-discount_percent": "0",
        "lines-0-vat_rate": "20.00",
        "notes": "Mer\x0cci",
        "action": "issue",
    }
    refused = post(client, f"/invoices/{invoice.id}/edit", posted)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "tient sur une ligne" in page and "caractères de contrôle" in page
    db.session.expire_all()
    assert db.session.get(Invoice, invoice.id).number is None  # nothing issued, nothing saved
    # What reaches the columns another way: a line is collapsed by its column type, a text
    # keeps what XML cannot carry until the CII builder drops it.
    invoice = db.session.get(Invoice, invoice.id)
    invoice.lines[0].description = "Soudure\x00 des\x1f pattes\tà plat"
    invoice.notes = "Mer\x0cci"
    db.session.commit()
    assert post(client, f"/invoices/{invoice.id}/issue").status_code == 302
    db.session.expire_all()
    invoice = db.session.get(Invoice, invoice.id)
    assert invoice.number and invoice.lines[0].description == "Soudure des pattes à plat"
    xml = assert_valid_facturx(invoice)
    assert "Soudure des pattes à plat".encode() in xml
    assert db.session.get(Order, order.id).title == "Collé depuis un tableur"


def test_an_exempt_school_issues_valid_invoices_with_the_legal_basis(app, factory, world):
    world.school.vat_regime = VatRegime.FRANCHISE
    db.session.commit()
    order = accepted_order(factory, world, "Franchise", [("labour", "Montage", "2", "45", "0")])
    deliver(world, order, str(order.lines[0].quantity))
    with scoped_to(db.session, world.school.id):
        invoice = services.draft_invoice([order], world.admin)
        services.issue(invoice, world.admin)
        db.session.commit()
    xml = assert_valid_facturx(invoice)
    assert b"<ram:CategoryCode>E</ram:CategoryCode>" in xml and b"293 B" in xml
    assert invoice.total_vat == 0


def test_credit_notes_full_and_partial_reference_the_invoice_and_settle_it(app, factory, world):
    order = accepted_order(factory, world, "Avoirs", TWO_RATES)
    deliver(world, order, str(order.lines[0].quantity))
    with scoped_to(db.session, world.school.id):
        invoice = services.issue(services.draft_invoice([order], world.admin), world.admin)
        db.session.commit()
        partial = services.draft_credit_note(invoice, world.admin, [(invoice.lines[1], Decimal("10"))])
        services.issue(partial, world.admin)
        db.session.commit()
    assert partial.number == f"AV-{local_today().year}-0001"
    xml = assert_valid_facturx(partial)
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml and invoice.number.encode() in xml
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(stored_pdf(partial))).pages)
    assert "AVOIR" in text and "Net à déduire" in text and invoice.number in text
    db.session.refresh(invoice)
    # The balance is lower; the invoice is not "partially paid" since nobody paid anything.
    assert invoice.settled == partial.total_gross and invoice.state is InvoiceState.ISSUED
    assert invoice.balance == invoice.amount_due - partial.total_gross
    with scoped_to(db.session, world.school.id):
        # "Credit the whole invoice" now credits what is left of each line, no more.
        rest = services.draft_credit_note(invoice, world.admin)
        assert [line.quantity for line in rest.lines] == [
            line.quantity - (Decimal("10") if line.id == invoice.lines[1].id else 0) for line in invoice.lines
        ]
        services.issue(rest, world.admin)
        db.session.commit()
        with pytest.raises(services.InvoicingError):
            services.draft_credit_note(invoice, world.admin)  # nothing is left to credit
        db.session.rollback()
    db.session.expire_all()
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Invoice).where(Invoice.number.like("AV-%")))
        == 2
    )
    assert db.session.get(Invoice, invoice.id).state is InvoiceState.PAID


def test_payments_partial_full_and_over(app, factory, world):
    order = accepted_order(factory, world, "Paiements", [("labour", "Soudure", "10", "50", "20")])
    deliver(world, order, str(order.lines[0].quantity))
    with scoped_to(db.session, world.school.id):
        invoice = services.issue(services.draft_invoice([order], world.admin), world.admin)
        db.session.commit()
        assert invoice.amount_due == Decimal("600.00")
        services.record_payment(
            invoice, local_today(), Decimal("200"), PaymentMethod.TRANSFER, "VIR 1", world.admin
        )
        assert invoice.state is InvoiceState.PARTIALLY_PAID and invoice.balance == Decimal("400.00")
        services.record_payment(
            invoice, local_today(), Decimal("450"), PaymentMethod.CHEQUE, "CHQ 2", world.admin
        )
        db.session.commit()
    assert invoice.state is InvoiceState.PAID and invoice.balance == Decimal("-50.00")  # a credit of 50 €
    with scoped_to(db.session, world.school.id), pytest.raises(services.InvoicingError):
        services.record_payment(
            invoice, local_today() + timedelta(days=3), Decimal("1"), PaymentMethod.CASH, None, world.admin
        )


def test_overdue_invoices_get_a_reminder_with_the_penalty(app, factory, world):
    world.company.email = "compta@zephyr.example.com"
    order = accepted_order(factory, world, "Retard", [("labour", "Assemblage", "10", "50", "20")])
    deliver(world, order, str(order.lines[0].quantity))
    with scoped_to(db.session, world.school.id):
        invoice = services.issue(services.draft_invoice([order], world.admin), world.admin)
        db.session.commit()
    later = invoice.due_date + timedelta(days=73)
    # 600 × 12.15 % × 73/365 = 14.58
    assert services.late_penalty(invoice, Decimal("12.15"), later) == Decimal("14.58")
    with scoped_to(db.session, world.school.id):
        assert [(i.id, days) for i, days in services.overdue(later)] == [(invoice.id, 73)]
    assert services.remind_all(later) == 1
    assert services.remind_all(later) == 0  # the daily command: not again the same day,
    assert services.remind_all(later + timedelta(days=6)) == 0  # nor within the week,
    db.session.commit()
    mail = db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.template == "invoice_reminder")).one()
    assert "14,58" in mail.body and "40,00" in mail.body
    assert services.remind_all(later + timedelta(days=7)) == 1  # but a week later
    with scoped_to(db.session, world.school.id):
        assert services.remind(invoice, later + timedelta(days=8))  # by hand: once a day at most
        assert not services.remind(invoice, later + timedelta(days=8))


def test_the_database_refuses_to_change_or_delete_an_issued_invoice(app, factory, world):
    order = accepted_order(factory, world, "Gelée", [("labour", "Pliage", "1", "80", "20")])
    deliver(world, order, str(order.lines[0].quantity))
    with scoped_to(db.session, world.school.id):
        invoice = services.issue(services.draft_invoice([order], world.admin), world.admin)
        db.session.commit()
    attempts = [
        "UPDATE invoices SET total_gross = 1 WHERE id = :id",
        "UPDATE invoices SET number = 'FA-X' WHERE id = :id",
        "UPDATE invoices SET pdf_sha256 = 'x' WHERE id = :id",
        "DELETE FROM invoices WHERE id = :id",
        "UPDATE invoice_lines SET unit_price = 1 WHERE invoice_id = :id",
        "DELETE FROM invoice_lines WHERE invoice_id = :id",
        "INSERT INTO invoice_lines (school_id, invoice_id, position, kind, description, unit, quantity,"
        " unit_price, discount_percent, vat_rate) VALUES (1, :id, 9, 'other', 'x', 'piece', 1000, 100, 0, 2000)",
    ]
    for statement in attempts:
        with pytest.raises(sa.exc.DatabaseError), db.engine.begin() as connection:
            connection.execute(sa.text(statement), {"id": invoice.id})
    with db.engine.begin() as connection:  # what may change: payments bring its state along
        connection.execute(sa.text("UPDATE invoices SET state = 'paid' WHERE id = :id"), {"id": invoice.id})
    with scoped_to(db.session, world.school.id), pytest.raises(services.InvoicingError):
        services.delete_draft(db.session.get(Invoice, invoice.id))


def test_a_grouped_invoice_covers_a_customers_deliveries_of_the_period(app, factory, world):
    first = accepted_order(factory, world, "Lot A", [("labour", "Pièce A", "2", "40", "20")])
    second = accepted_order(factory, world, "Lot B", [("material", "Pièce B", "5", "10", "20")])
    deliver(world, first, str(first.lines[0].quantity))
    deliver(world, second, "1")
    today = local_today()
    with scoped_to(db.session, world.school.id):
        [(customer, orders)] = services.customers_to_invoice(today - timedelta(days=30), today)
        assert customer.id == world.company.id and {o.id for o in orders} == {first.id, second.id}
        invoice = services.issue(services.draft_invoice(orders, world.admin), world.admin)
        db.session.commit()
    assert {o.id for o in invoice.orders} == {first.id, second.id}
    assert all(ln.description.startswith("DDE-") for ln in invoice.lines)
    assert_valid_facturx(invoice)
    assert invoice.kind is InvoiceKind.INVOICE


def test_the_administrator_invoices_from_the_pages_and_the_customer_reads_it(app, client, factory, world):
    from tests.conftest import login_as, post

    order = accepted_order(factory, world, "Par les pages", [("labour", "Perçage", "3", "40", "20")])
    deliver(world, order, str(order.lines[0].quantity))
    login_as(client, world.admin)
    assert "Facturer ce qui a été livré" in client.get(f"/requests/{order.id}").get_data(as_text=True)
    made = post(client, f"/requests/{order.id}/invoice")
    draft = db.session.scalars(sa.select(Invoice)).one()
    assert made.headers["Location"].endswith(f"/invoices/{draft.id}/edit")
    line = draft.lines[0]
    quote_line_id = line.quote_line_id
    fields = {
        "lines-0-line_id": str(line.id),
        "lines-0-kind": "labour",
        "lines-0-description": "Perçage des platines",
        "lines-0-workshop_id": "0",
        "lines-0-unit": "h",
        "lines-0-quantity": "3",
        "lines-0-unit_price": "40,00",
        "lines-0-discount_percent": "0",
        "lines-0-vat_rate": "20.00",
        "notes": "Merci pour votre commande.",
    }
    bad = post(client, f"/invoices/{draft.id}/edit", {**fields, "lines-0-quantity": "-3", "action": "issue"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Invoice, draft.id).number is None
    issued = post(client, f"/invoices/{draft.id}/edit", {**fields, "action": "issue"})
    assert issued.status_code == 302
    db.session.expire_all()
    invoice = db.session.get(Invoice, draft.id)
    assert invoice.number and invoice.lines[0].description == "Perçage des platines"
    assert invoice.lines[0].quote_line_id == quote_line_id  # still tied to the quote
    # Issued: the editor sends back to the read-only page, a second issue changes nothing.
    assert client.get(f"/invoices/{invoice.id}/edit").status_code == 302
    again = post(
        client, f"/invoices/{invoice.id}/edit", {**fields, "lines-0-unit_price": "1", "action": "save"}
    )
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(Invoice, invoice.id).lines[0].unit_price == Decimal("40.00")
    paid = post(
        client,
        f"/invoices/{invoice.id}/payments",
        {"payment-paid_on": local_today().isoformat(), "payment-amount": "50,00", "payment-method": "cheque"},
    )
    assert paid.status_code == 302
    credit = post(
        client,
        f"/invoices/{invoice.id}/credit-note",
        {"scope": "lines", f"credit-{invoice.lines[0].id}": "1"},
    )
    note = db.session.scalars(sa.select(Invoice).where(Invoice.kind == InvoiceKind.CREDIT_NOTE)).one()
    assert credit.headers["Location"].endswith(f"/invoices/{note.id}/edit") and note.lines[
        0
    ].quantity == Decimal(1)
    # The customer sees the issued invoice, not the draft credit note.
    login_as(client, world.customer_user)
    page = client.get(f"/invoices/{invoice.id}").get_data(as_text=True)
    assert invoice.number in page and "50,00" in page
    assert client.get(f"/invoices/{note.id}").status_code == 404
    pdf = client.get(f"/invoices/{invoice.id}/pdf")
    assert pdf.data == stored_pdf(invoice) and pdf.mimetype == "application/pdf"  # the same bytes, always
    pdf.close()


def test_the_accountants_exports_balance_and_neutralise_formulas(app, client, factory, world):
    world.company.name = '=HYPERLINK("http://evil")'
    db.session.commit()
    order = accepted_order(factory, world, "Export", TWO_RATES)
    deliver(world, order, str(order.lines[0].quantity))
    with scoped_to(db.session, world.school.id):
        invoice = services.issue(services.draft_invoice([order], world.admin), world.admin)
        note = services.issue(
            services.draft_credit_note(invoice, world.admin, [(invoice.lines[0], Decimal("1"))]), world.admin
        )
        db.session.commit()
    from tests.conftest import login_as

    login_as(client, world.admin)
    today = local_today().isoformat()
    csv = client.get(f"/exports/journal.csv?start={today}&end={today}")
    assert csv.mimetype == "text/csv"
    text = csv.get_data(as_text=True)
    assert text.startswith("\ufeffDate;Journal;Pièce;Compte")
    rows = [line.split(";") for line in text.strip().splitlines()[1:]]
    assert len(rows) == (1 + 2 * 2) + (
        1 + 2
    )  # customer, then sales and VAT per rate; the credit note has one rate
    debit = sum(Decimal(r[6].replace(",", ".")) for r in rows)
    credit = sum(Decimal(r[7].replace(",", ".")) for r in rows)
    assert debit == credit == invoice.total_gross + note.total_gross
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    assert any("TVA 5,5 %" in r[5] for r in rows)  # French decimals in the labels too
    fec = client.get(f"/exports/fec.txt?start={today}&end={today}")
    assert f"{world.school.siren}FEC" in fec.headers["Content-Disposition"]
    lines = fec.get_data(as_text=True).strip().splitlines()
    assert (
        lines[0].split("|")[:3] == ["JournalCode", "JournalLib", "EcritureNum"]
        and len(lines[0].split("|")) == 18
    )
    assert all(len(line.split("|")) == 18 for line in lines)
    customer_rows = [line.split("|") for line in lines[1:] if line.split("|")[6]]
    assert customer_rows and all(row[7].startswith("'=HYPERLINK") for row in customer_rows)  # neutralised
    assert client.get("/exports/journal.csv?start=2026-12-01&end=2026-01-01").status_code == 400
    statement = client.get(f"/admin/customers/{world.company.id}/statement.pdf")
    words = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(statement.data)).pages)
    assert invoice.number in words and note.number in words
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Encours clients" in dashboard and "/invoices/overdue" in dashboard


def test_the_journal_follows_the_order_of_issue_across_batches(app, factory, world, monkeypatch):
    """Drafts issued in another order than they were created, read in batches of one."""
    from ecoprod.invoicing import exports

    orders = [accepted_order(factory, world, f"Ordre {n}", TWO_RATES[:1]) for n in range(3)]
    for order in orders:
        deliver(world, order, str(order.lines[0].quantity))
    with scoped_to(db.session, world.school.id):
        drafts = [services.draft_invoice([order], world.admin) for order in orders]
        db.session.commit()
        for draft in reversed(drafts):  # the last draft gets the first number
            services.issue(draft, world.admin)
            db.session.commit()
        monkeypatch.setattr(exports, "BATCH", 1)
        today = local_today()
        numbers = [e.number for e in exports.entries(world.school, today, today) if e.auxiliary]
    year = today.year
    assert numbers == [f"FA-{year}-0001", f"FA-{year}-0002", f"FA-{year}-0003"]
    labels = [e.label for e in exports.entries(world.school, today, today) if "TVA" in e.label]
    assert labels and all(label.endswith("TVA 20 %") for label in labels)


def test_no_route_changes_an_issued_invoice(app, client, factory, world):
    """Direct posts to every route that writes an invoice leave an issued one as it was."""
    from tests.conftest import login_as, post

    order = accepted_order(factory, world, "Figée", TWO_RATES)
    deliver(world, order, str(order.lines[0].quantity))
    with scoped_to(db.session, world.school.id):
        invoice = services.issue(services.draft_invoice([order], world.admin), world.admin)
        db.session.commit()
    before = (
        invoice.number,
        invoice.total_gross,
        invoice.pdf_sha256,
        [ln.unit_price for ln in invoice.lines],
    )
    login_as(client, world.admin)
    line = invoice.lines[0]
    tampered = {
        "lines-0-line_id": str(line.id),
        "lines-0-kind": "labour",
        "lines-0-description": "Changée",
        "lines-0-workshop_id": "0",
        "lines-0-unit": "h",
        "lines-0-quantity": "1",
        "lines-0-unit_price": "1",
        "lines-0-discount_percent": "0",
        "lines-0-vat_rate": "20.00",
    }
    for url, data in (
        (f"/invoices/{invoice.id}/edit", {**tampered, "action": "save"}),
        (f"/invoices/{invoice.id}/edit", {**tampered, "action": "issue"}),
        (f"/invoices/{invoice.id}/edit", {**tampered, "action": "add_line"}),
        (f"/invoices/{invoice.id}/issue", {}),
        (f"/invoices/{invoice.id}/delete", {}),
    ):
        response = post(client, url, data)
        assert response.status_code in (302, 400), url
    db.session.expire_all()
    after = db.session.get(Invoice, invoice.id)
    assert (
        after.number,
        after.total_gross,
        after.pdf_sha256,
        [ln.unit_price for ln in after.lines],
    ) == before
    assert len(after.lines) == len(before[3]) and after.lines[0].description != "Changée"


def test_the_overdue_list_pages_through_sql_and_totals_what_is_owed(app, world, client, monkeypatch):
    """Past due with something left, filtered, paged and summed in SQL; paid ones leave it."""
    from datetime import timedelta

    import time_machine

    from ecoprod.i18n import local_today
    from ecoprod.invoicing.models import Invoice, PaymentMethod
    from ecoprod.money import ZERO
    from ecoprod.tenancy import scoped_to
    from tests.conftest import login_as
    from tests.factories import drafts

    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    with scoped_to(db.session, world.school.id):
        invoices = [services.issue(db.session.get(Invoice, i), world.admin) for i in drafts(world, 5)]
        services.record_payment(
            invoices[0], local_today(), invoices[0].amount_due, PaymentMethod.TRANSFER, None, world.admin
        )
        db.session.commit()
        later = local_today() + timedelta(days=90)
        owed = sum((i.balance for i in invoices), ZERO)
        assert services.overdue_summary(later) == (4, owed)
        assert [i.id for i, _days in services.overdue(later)] == [i.id for i in invoices[1:]]
    with time_machine.travel(later):
        login_as(client, world.admin)
        first = client.get("/invoices/overdue").get_data(as_text=True)
        assert "4 factures en retard" in first and 'rel="next"' in first
        assert invoices[1].number in first and invoices[3].number not in first
        assert invoices[0].number not in first


def test_the_invoice_list_finds_by_number_customer_or_reference(app, world, client):
    from ecoprod.invoicing.models import Invoice
    from ecoprod.tenancy import scoped_to
    from tests.conftest import login_as
    from tests.factories import drafts

    with scoped_to(db.session, world.school.id):
        first, second = (db.session.get(Invoice, i) for i in drafts(world, 2))
        services.issue(first, world.admin)
        db.session.commit()
        number, customer = first.number, first.customer.name
    login_as(client, world.admin)
    found = client.get("/invoices", query_string={"q": number}).get_data(as_text=True)
    assert number in found and f"/invoices/{second.id}/edit" not in found
    by_customer = client.get("/invoices", query_string={"q": customer.split()[0].lower()}).get_data(
        as_text=True
    )
    assert number in by_customer
    nothing = client.get("/invoices", query_string={"q": "%"}).get_data(
        as_text=True
    )  # a wildcard is a character
    assert number not in nothing
