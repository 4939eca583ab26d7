"""A public buyer (B2G): its service code is the invoices' buyer reference (BT-10), the order's
reference their purchase order (BT-13), printed and in the Factur-X and UBL XML; both are
frozen once the invoice is issued. A school that opted for VAT on debits says so in BT-8."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ecoprod.customers.models import Customer, CustomerType
from ecoprod.extensions import db
from ecoprod.invoicing import services
from ecoprod.invoicing.documents import embedded_xml
from ecoprod.invoicing.models import Invoice
from ecoprod.orders.models import Order
from ecoprod.tenancy import scoped_to
from tests.conftest import login_as, post
from tests.factories import accepted_order, deliver
from tests.invoicing.test_invoicing import assert_valid_facturx, assert_valid_ubl, stored_pdf


def test_a_public_buyer_s_invoice_carries_its_service_code_and_engagement(app, client, factory, world):
    company = db.session.get(Customer, world.company.id)
    company.customer_type, company.service_code = CustomerType.PUBLIC, "SERV-ACHATS-42"
    db.session.commit()
    order = accepted_order(factory, world, "Pièces mairie", [("labour", "Usinage", "2", "45", "20")])
    db.session.get(Order, order.id).customer_reference = "EJ-2026-000123"  # the engagement number
    db.session.commit()
    deliver(world, order, "2")
    with scoped_to(db.session, world.school.id):
        draft = services.draft_invoice([db.session.get(Order, order.id)], world.admin)
        db.session.commit()
    assert draft.service_code == "SERV-ACHATS-42"
    login_as(client, world.admin)
    assert post(client, f"/invoices/{draft.id}/issue").status_code == 302
    db.session.expire_all()
    invoice = db.session.get(Invoice, draft.id)
    xml = assert_valid_facturx(invoice)
    assert b"<ram:BuyerReference>SERV-ACHATS-42</ram:BuyerReference>" in xml
    assert b"<ram:IssuerAssignedID>EJ-2026-000123</ram:IssuerAssignedID>" in xml
    ubl = assert_valid_ubl(invoice)
    assert b"<cbc:BuyerReference>SERV-ACHATS-42</cbc:BuyerReference>" in ubl
    assert b"EJ-2026-000123" in ubl
    assert embedded_xml(stored_pdf(invoice)) == xml
    change = sa.update(Invoice).where(Invoice.id == invoice.id).values(service_code="AUTRE")
    with pytest.raises(sa.exc.DatabaseError):  # the database refuses to change what was issued
        db.session.execute(change)
    db.session.rollback()
    assert db.session.get(Invoice, invoice.id).service_code == "SERV-ACHATS-42"


def test_a_school_that_opted_for_vat_on_debits_says_so_in_bt_8(app, client, factory, world):
    from ecoprod.schools.models import School
    from tests.factories.invoicing import drafts

    db.session.get(School, world.school.id).vat_on_debits = True
    db.session.commit()
    login_as(client, world.admin)
    [draft] = drafts(world, 1)
    assert post(client, f"/invoices/{draft}/issue").status_code == 302
    db.session.expire_all()
    invoice = db.session.get(Invoice, draft)
    assert b"<ram:DueDateTypeCode>5</ram:DueDateTypeCode>" in assert_valid_facturx(invoice)
    assert b"<cac:InvoicePeriod><cbc:DescriptionCode>3</cbc:DescriptionCode>" in assert_valid_ubl(
        invoice
    ).replace(b"\n", b"").replace(b" ", b"")
