"""Issuing sends the document to the school's platform once, in the syntax chosen, checked by
the platform with the France_RFE schematrons; a platform down delays it, never doubles it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ecoprod.customers.models import Customer, CustomerType
from ecoprod.einvoicing import jobs, services
from ecoprod.einvoicing.models import INVOICE_SYNTAXES, Syntax, Transmission, TransmissionState
from ecoprod.extensions import db
from ecoprod.invoicing.models import Invoice
from ecoprod.notifications.models import OutboxEmail
from ecoprod.tenancy import scoped_to
from tests.conftest import login_as, post
from tests.einvoicing.conftest import CLIENT_ID, CLIENT_SECRET
from tests.factories.invoicing import drafts


def connect(world, pa, syntax: Syntax = Syntax.FACTURX) -> None:
    endpoints = pa.endpoints
    with scoped_to(db.session, world.school.id):
        services.save_connection(
            world.school,
            services.ConnectionInput(
                flow_url=endpoints.flow_url,
                directory_url=endpoints.directory_url,
                token_url=endpoints.token_url,
                client_id=CLIENT_ID,
                client_secret=CLIENT_SECRET,
                syntax=syntax,
            ),
        )
    db.session.commit()


def issue(client, invoice_id: int) -> Invoice:
    """Issue through the page; closing the answer runs what the request left for after it
    (the queue runs jobs at once in the tests)."""
    response = post(client, f"/invoices/{invoice_id}/issue")
    assert response.status_code == 302
    response.close()
    db.session.expire_all()
    return db.session.get(Invoice, invoice_id)


def transmission(invoice: Invoice) -> Transmission | None:
    db.session.expire_all()
    return db.session.scalars(
        sa.select(Transmission)
        .where(Transmission.invoice_id == invoice.id)
        .execution_options(all_schools=True)
    ).one_or_none()


@pytest.mark.parametrize("syntax", INVOICE_SYNTAXES)
def test_an_issued_invoice_is_sent_once_and_accepted(client, world, pa, syntax):
    connect(world, pa, syntax)
    login_as(client, world.admin)
    invoice = issue(client, drafts(world, 1)[0])
    sent = pa.platform.sent(invoice.number)
    assert len(sent) == 1
    flow = sent[0]
    assert flow.info["flowSyntax"] == syntax.value and flow.info["processingRule"] == "B2B"
    assert flow.info["acknowledgement"] == {"status": "Ok"}, flow.info[
        "acknowledgement"
    ]  # schematrons passed
    found = transmission(invoice)
    assert found.state is TransmissionState.ACCEPTED and found.flow_id == flow.id
    assert found.sha256 == flow.info["sha256"]
    page = client.get(f"/invoices/{invoice.id}").get_data(as_text=True)
    assert "Acceptée par la plateforme" in page and flow.id in page


def test_a_public_body_s_invoice_goes_as_b2g_and_a_credit_note_is_sent_too(client, world, pa):
    connect(world, pa)
    company = db.session.get(Customer, world.company.id)
    company.customer_type, company.service_code = CustomerType.PUBLIC, "SERV-01"
    db.session.commit()
    login_as(client, world.admin)
    invoice = issue(client, drafts(world, 1)[0])
    assert pa.platform.sent(invoice.number)[0].info["processingRule"] == "B2G"
    assert post(client, f"/invoices/{invoice.id}/credit-note").status_code == 302
    note = db.session.scalars(sa.select(Invoice).where(Invoice.credited_invoice_id == invoice.id)).one()
    if note.is_draft:
        note = issue(client, note.id)
    assert transmission(note).state is TransmissionState.ACCEPTED
    assert len(pa.platform.sent(note.number)) == 1


@pytest.mark.parametrize("kind", [CustomerType.INDIVIDUAL, CustomerType.FOREIGN])
def test_individuals_and_foreign_customers_are_not_sent(client, world, pa, kind):
    connect(world, pa)
    db.session.get(Customer, world.company.id).customer_type = kind
    db.session.commit()
    login_as(client, world.admin)
    invoice = issue(client, drafts(world, 1)[0])
    assert transmission(invoice) is None and not pa.platform.flows


def test_a_school_without_a_platform_sends_nothing(client, world, pa):
    login_as(client, world.admin)
    invoice = issue(client, drafts(world, 1)[0])
    assert invoice.number and transmission(invoice) is None and not pa.platform.flows


def test_a_platform_down_delays_the_sending_and_nothing_is_sent_twice(app, client, world, pa):
    connect(world, pa)
    login_as(client, world.admin)
    pa.platform.down = True
    invoice = issue(client, drafts(world, 1)[0])
    waiting = transmission(invoice)
    assert waiting.state is TransmissionState.QUEUED and "503" in waiting.reason and waiting.attempts == 1
    page = client.get(f"/invoices/{invoice.id}").get_data(as_text=True)
    assert "En attente d’envoi" in page
    jobs.sweep.call_local()  # still down: still waiting
    assert transmission(invoice).state is TransmissionState.QUEUED and not pa.platform.flows
    pa.platform.down = False
    jobs.sweep.call_local()
    assert transmission(invoice).state is TransmissionState.ACCEPTED
    jobs.sweep.call_local()
    jobs.send.call_local(waiting.id)  # a late retry finds it done
    assert len(pa.platform.sent(invoice.number)) == 1


def test_a_flow_uploaded_before_a_crash_is_found_not_sent_again(client, world, pa):
    connect(world, pa)
    login_as(client, world.admin)
    invoice = issue(client, drafts(world, 1)[0])
    found = transmission(invoice)
    flow_id = found.flow_id
    # As if the worker had died after the upload, before recording it.
    found.state, found.flow_id, found.claimed_at = TransmissionState.QUEUED, None, None
    db.session.commit()
    jobs.sweep.call_local()
    assert (
        transmission(invoice).flow_id == flow_id and transmission(invoice).state is TransmissionState.ACCEPTED
    )
    assert len(pa.platform.sent(invoice.number)) == 1


def test_a_rejected_invoice_shows_its_reason_and_the_admins_are_told(client, world, pa):
    connect(world, pa)
    pa.platform.check_invoice = lambda content, syntax: ["BR-FR-05: le numéro de TVA du vendeur est absent"]
    login_as(client, world.admin)
    invoice = issue(client, drafts(world, 1)[0])
    found = transmission(invoice)
    assert found.state is TransmissionState.REJECTED and found.reason_code == "InvalidSchema"
    assert "BR-FR-05" in found.reason
    page = client.get(f"/invoices/{invoice.id}").get_data(as_text=True)
    assert "Rejetée par la plateforme" in page and "BR-FR-05" in page and "avoir" in page
    mails = db.session.scalars(
        sa.select(OutboxEmail).where(OutboxEmail.template == "einvoice_rejected")
    ).all()
    assert [m.to_address for m in mails] == [world.admin.email]
    assert invoice.number in mails[0].subject and "BR-FR-05" in mails[0].body


def test_the_customer_never_sees_the_platform_panel(client, world, pa):
    connect(world, pa)
    login_as(client, world.admin)
    invoice = issue(client, drafts(world, 1)[0])
    login_as(client, world.customer_user)
    page = client.get(f"/invoices/{invoice.id}").get_data(as_text=True)
    assert invoice.number in page and "plateforme" not in page.lower().split("<footer")[0]
