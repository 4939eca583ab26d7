"""The annuaire: before an invoice to a French company is issued, the school's platform is
asked where the buyer receives e-invoices (Directory Service, checked against the published
document both ways); the line found is the invoice's BT-49, and a buyer with no active line
is refused before anything is numbered."""

from __future__ import annotations

from datetime import timedelta

import facturx
import sqlalchemy as sa
from lxml import etree

from ecoprod import documents
from ecoprod.customers.models import Customer, CustomerType
from ecoprod.einvoicing import services
from ecoprod.einvoicing.models import BuyerAddress, TransmissionState
from ecoprod.extensions import db
from ecoprod.invoicing.models import Invoice
from tests.conftest import login_as, post
from tests.einvoicing.test_sending import connect, issue, transmission
from tests.factories.invoicing import drafts

LINE = {"directoryLineStatus": "Enabled", "platformType": "WK"}


def test_the_line_that_fits_the_buyer_best_is_chosen():
    company = {**LINE, "addressingIdentifier": "702042755", "siren": "702042755"}
    facility = {**company, "addressingIdentifier": "702042755_70204275500240", "siret": "70204275500240"}
    service = {
        **facility,
        "addressingIdentifier": "702042755_70204275500240_SERV",
        "routingIdentifier": "SERV",
    }
    suffix = {**company, "addressingIdentifier": "702042755_COMPTA", "addressingSuffix": "COMPTA"}
    lines = [suffix, company, facility, service]
    assert services.choose_line(lines, "70204275500240", "SERV") is service
    assert services.choose_line(lines, "70204275500240", None) is facility
    assert services.choose_line(lines, "70204275500999", None) is company  # another facility
    assert services.choose_line([suffix], None, None) is suffix  # the company's only line
    assert services.choose_line([suffix, facility], None, None) is None
    assert services.choose_line([{**company, "directoryLineStatus": "Disabled"}], None, None) is None
    assert services.choose_line([{**company, "directoryLineStatus": "Upcoming"}], None, None) is None
    assert services.choose_line([], "70204275500240", None) is None


def _buyer_address_in(invoice: Invoice) -> str:
    data = db.session.get(Invoice, invoice.id)
    pdf = documents.read(data.school_id, data.pdf_sha256)
    _, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    ns = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}
    return etree.fromstring(xml).findtext(
        ".//ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID", namespaces=ns
    )


def test_an_invoice_goes_to_the_facility_line_the_directory_gives(client, world, pa):
    connect(world, pa)
    company = db.session.get(Customer, world.company.id)
    line = pa.platform.directory.enter(company.siren, siret=company.siret)
    pa.platform.directory.enter(company.siren)  # the company's own line too: the facility's fits better
    login_as(client, world.admin)
    invoice = issue(client, drafts(world, 1)[0])
    assert invoice.number and invoice.buyer_address == line
    assert _buyer_address_in(invoice) == line  # BT-49, checked by the platform's schematrons
    assert transmission(invoice).state is TransmissionState.ACCEPTED
    page = client.get(f"/admin/customers/{company.id}").get_data(as_text=True)
    assert "Reçoit les factures électroniques" in page and line in page


def test_a_public_buyer_s_service_is_its_address(client, world, pa):
    connect(world, pa)
    company = db.session.get(Customer, world.company.id)
    company.customer_type, company.service_code = CustomerType.PUBLIC, "SERV-01"
    db.session.commit()
    line = pa.platform.directory.enter(company.siren, siret=company.siret, routing="SERV-01")
    pa.platform.directory.enter(company.siren)
    login_as(client, world.admin)
    invoice = issue(client, drafts(world, 1)[0])
    assert invoice.buyer_address == line == f"{company.siren}_{company.siret}_SERV-01"
    assert transmission(invoice).state is TransmissionState.ACCEPTED


def test_a_buyer_without_a_line_is_refused_before_anything_is_numbered(client, world, pa):
    connect(world, pa)
    company = db.session.get(Customer, world.company.id)
    pa.platform.directory.close(company.siren)
    login_as(client, world.admin)
    draft_id = drafts(world, 1)[0]
    response = post(client, f"/invoices/{draft_id}/issue", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "ne peut pas recevoir de factures électroniques" in page and company.siren in page
    db.session.expire_all()
    draft = db.session.get(Invoice, draft_id)
    assert draft.is_draft and draft.number is None and not pa.platform.flows
    # The admin asks again from the draft (the directory has been told since): it now receives.
    line = pa.platform.directory.enter(company.siren)
    response = post(client, f"/admin/e-invoicing/customers/{company.id}/directory?invoice={draft_id}")
    assert response.headers["Location"].endswith(f"/invoices/{draft_id}/edit")
    page = client.get(f"/invoices/{draft_id}/edit").get_data(as_text=True)
    assert "Reçoit les factures électroniques" in page and line in page
    assert issue(client, draft_id).buyer_address == line


def test_the_answer_is_kept_a_while_then_asked_again(app, client, world, pa):
    connect(world, pa)
    company = db.session.get(Customer, world.company.id)
    pa.platform.directory.enter(company.siren)
    login_as(client, world.admin)
    issue(client, drafts(world, 1)[0])
    kept = db.session.scalars(sa.select(BuyerAddress).execution_options(all_schools=True)).one()
    first_check = kept.checked_at
    pa.platform.directory.close(company.siren)  # the company left its platform since
    second = issue(client, drafts(world, 1)[0])  # asked less than a week ago: not asked again
    assert second.number and second.buyer_address == company.siren
    kept = db.session.get(BuyerAddress, kept.id)
    assert kept.checked_at == first_check
    kept.checked_at = first_check - timedelta(days=app.config["DIRECTORY_MAX_AGE_DAYS"] + 1)
    db.session.commit()
    draft_id = drafts(world, 1)[0]
    response = post(client, f"/invoices/{draft_id}/issue", follow_redirects=True)
    assert "ne peut pas recevoir" in response.get_data(as_text=True)
    # The refusal leaves nothing behind; the admin's own check keeps the answer, and the
    # draft says so before anyone tries to issue it again.
    assert post(client, f"/admin/e-invoicing/customers/{company.id}/directory").status_code == 302
    for page in (f"/admin/customers/{company.id}", f"/invoices/{draft_id}/edit"):
        assert "Ne peut pas recevoir de factures électroniques" in client.get(page).get_data(as_text=True)


def test_a_changed_siret_is_asked_again(client, world, pa):
    connect(world, pa)
    company = db.session.get(Customer, world.company.id)
    pa.platform.directory.enter(company.siren)
    login_as(client, world.admin)
    assert post(client, f"/admin/e-invoicing/customers/{company.id}/directory").status_code == 302
    db.session.expire_all()
    assert services.address_of(db.session.get(Customer, company.id)).can_receive
    company = db.session.get(Customer, company.id)
    company.siret = company.siren + "00099"
    db.session.commit()
    assert services.address_of(company) is None
    page = client.get(f"/admin/customers/{company.id}").get_data(as_text=True)
    assert "Non vérifié" in page


def test_a_platform_down_does_not_stop_issuing(client, world, pa):
    connect(world, pa)
    company = db.session.get(Customer, world.company.id)
    pa.platform.down = True
    login_as(client, world.admin)
    invoice = issue(client, drafts(world, 1)[0])
    assert invoice.number and invoice.buyer_address == company.siren  # its own line, the default
    response = post(client, f"/admin/e-invoicing/customers/{company.id}/directory", follow_redirects=True)
    assert "L’annuaire n’a pas pu être lu" in response.get_data(as_text=True)


def test_only_french_companies_are_looked_up_and_only_admins_see_it(client, world, pa):
    connect(world, pa)
    company = db.session.get(Customer, world.company.id)
    company.customer_type = CustomerType.FOREIGN
    db.session.commit()
    login_as(client, world.admin)
    invoice = issue(client, drafts(world, 1)[0])
    assert (
        invoice.number
        and not db.session.scalars(sa.select(BuyerAddress).execution_options(all_schools=True)).all()
    )
    page = client.get(f"/admin/customers/{company.id}").get_data(as_text=True)
    assert "e-reporting" in page
    response = post(client, f"/admin/e-invoicing/customers/{company.id}/directory", follow_redirects=True)
    assert "Seule une entreprise ou un organisme public français" in response.get_data(as_text=True)
