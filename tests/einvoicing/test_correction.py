"""XP Z12-014's correction of an invoice rejected (213) or refused (210): an internal credit
note cancels it in the accounts (kept, its XML marked ``ARCHIVEONLY``, never sent, unseen by
the customer) and a new invoice with a new number replaces it; a dispute (207) is not."""

from __future__ import annotations

import facturx
import pytest
import sqlalchemy as sa

from ecoprod import documents
from ecoprod.einvoicing.models import Transmission, TransmissionState
from ecoprod.einvoicing.services import statuses
from ecoprod.extensions import db
from ecoprod.invoicing.models import Invoice
from ecoprod.notifications.models import OutboxEmail
from tests.conftest import login_as, post
from tests.einvoicing.test_sending import issue, transmission
from tests.einvoicing.test_statuses import sent  # noqa: F401 - the fixture
from tests.invoicing import facturx_check


def _transmissions() -> list[Transmission]:
    return list(db.session.scalars(sa.select(Transmission).execution_options(all_schools=True)))


@pytest.mark.parametrize("code", [213, 210])
def test_a_rejected_or_refused_invoice_is_cancelled_internally_and_replaced(client, world, pa, sent, code):  # noqa: F811
    invoice, flow_id, _ = sent
    pa.platform.post_status(flow_id, code, reason_code="REJ_SEMAN", reason="SIRET inconnu")
    page = client.get(f"/invoices/{invoice.id}").get_data(as_text=True)
    assert "Annuler et préparer une facture de remplacement" in page
    emails_before = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEmail))

    response = post(client, f"/admin/e-invoicing/invoices/{invoice.id}/replace")
    assert response.status_code == 302
    response.close()
    db.session.expire_all()
    cancelled = db.session.get(Invoice, invoice.id)
    note = db.session.get(Invoice, cancelled.cancelled_by_id)
    assert note.is_credit_note and note.is_internal and note.number
    assert note.total_gross == cancelled.total_gross and cancelled.balance == 0  # nothing owed
    assert [t.invoice_id for t in _transmissions()] == [invoice.id]  # the credit note is not sent
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEmail)) == emails_before
    )  # nor e-mailed
    _, xml = facturx.get_xml_from_pdf(documents.read(note.school_id, note.pdf_sha256), check_xsd=False)
    assert b"ARCHIVEONLY" in xml
    facturx_check.check(xml)  # the France_RFE rules accept the internal credit note
    assert cancelled.id not in db.session.scalars(statuses.to_handle()).all()  # handled

    replacement = db.session.scalars(
        sa.select(Invoice).where(Invoice.number.is_(None), Invoice.customer_id == invoice.customer_id)
    ).one()
    assert response.location.endswith(f"/invoices/{replacement.id}/edit")
    assert [(ln.description, ln.quantity, ln.unit_price) for ln in replacement.lines] == [
        (ln.description, ln.quantity, ln.unit_price) for ln in cancelled.lines
    ]
    new = issue(client, replacement.id)
    assert new.number and new.number != invoice.number  # BR-FR-CO-02: a new number
    assert transmission(new).state is TransmissionState.ACCEPTED

    page = client.get(f"/invoices/{invoice.id}").get_data(as_text=True)
    assert "Annulée" in page and note.number in page and "Annuler et préparer" not in page
    assert (
        "Enregistrer le paiement" not in page and "Créditer toute la facture" not in page
    )  # nothing left to do
    login_as(client, world.customer_user)
    assert client.get(f"/invoices/{note.id}").status_code == 404  # the school's books only
    assert client.get(f"/invoices/{new.id}").status_code == 200


def test_a_disputed_or_accepted_invoice_is_not_cancelled_this_way(client, world, pa, sent):  # noqa: F811
    invoice, flow_id, _ = sent
    response = post(client, f"/admin/e-invoicing/invoices/{invoice.id}/replace", follow_redirects=True)
    assert "Seule une facture rejetée" in response.get_data(as_text=True)
    pa.platform.post_status(flow_id, 207, reason_code="QTE", reason="Quantité")
    page = client.get(f"/invoices/{invoice.id}").get_data(as_text=True)
    assert "Annuler et préparer" not in page and "une fois le litige réglé" in page.lower()
    post(client, f"/admin/e-invoicing/invoices/{invoice.id}/replace").close()
    db.session.expire_all()
    assert db.session.get(Invoice, invoice.id).cancelled_by_id is None
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Invoice).where(Invoice.kind == "credit_note")
        )
        == 0
    )
