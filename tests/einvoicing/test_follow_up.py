"""Following the documents sent: the invoice list filters by life-cycle status, the dashboard
counts them, and a 212 the platform refuses is shown on the invoice and counted to handle."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from ecoprod.einvoicing import jobs
from ecoprod.einvoicing.models import Transmission, TransmissionState
from ecoprod.extensions import db
from tests.conftest import login_as
from tests.einvoicing.test_cashed import _pay, _services_invoice, _statuses_sent
from tests.einvoicing.test_sending import issue, transmission
from tests.einvoicing.test_statuses import _codes, sent  # noqa: F401 - the fixture
from tests.factories.invoicing import drafts


def _listed(client, query: str) -> set[str]:
    page = client.get(f"/invoices?{query}").get_data(as_text=True)
    return set(re.findall(r"FA-\d{4}-\d{4,}", page.split('id="results"')[1]))


def test_the_list_filters_by_current_status_and_the_dashboard_counts(client, world, pa, sent):  # noqa: F811
    approved = sent[0]
    disputed = issue(client, drafts(world, 1)[0])
    waiting_draft = drafts(world, 1)[0]
    pa.platform.post_status(transmission(approved).flow_id, 200)
    pa.platform.post_status(transmission(approved).flow_id, 205)
    pa.platform.post_status(transmission(disputed).flow_id, 207, reason_code="QTE", reason="Quantité")
    pa.platform.down = True
    waiting = issue(client, waiting_draft)  # queued: the platform is down
    assert transmission(waiting).state is TransmissionState.QUEUED
    db.session.expire_all()
    assert transmission(approved).current_status == 205
    assert _listed(client, "einvoice=205") == {approved.number}
    assert _listed(client, "einvoice=207") == {disputed.number}
    assert _listed(client, "einvoice=to_handle") == {disputed.number}
    assert _listed(client, "einvoice=waiting") == {waiting.number}
    assert _listed(client, "einvoice=213") == set()
    assert _listed(client, "einvoice=nonsense") >= {approved.number, disputed.number, waiting.number}
    page = client.get("/dashboard").get_data(as_text=True)
    assert "1 document à traiter" in page and "1 document pas encore accepté par la plateforme" in page
    assert "205 Approuvée</a> · 1" in page and "207 En litige</a> · 1" in page
    # A customer's list has no such filter, and the argument changes nothing for them.
    login_as(client, world.customer_user)
    page = client.get("/invoices?einvoice=207").get_data(as_text=True)
    assert "Statut e-facture" not in page and approved.number in page


def test_a_later_status_is_not_undone_by_an_earlier_one_read_late(client, world, pa, sent):  # noqa: F811
    invoice = sent[0]
    flow = transmission(invoice).flow_id
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    pa.platform.post_status(flow, 205, notify=False, at=an_hour_ago)  # read later, by the polling
    pa.platform.post_status(flow, 207)
    db.session.expire_all()
    assert transmission(invoice).current_status == 207
    jobs.poll_statuses.call_local()
    assert 205 in _codes(invoice)
    db.session.expire_all()
    assert transmission(invoice).current_status == 207  # the 205 is older: the invoice stays disputed


def test_a_212_the_platform_refuses_is_shown_and_counted(client, world, pa):
    from tests.einvoicing.test_sending import connect

    connect(world, pa)
    login_as(client, world.admin)
    invoice = _services_invoice(client, world)
    pa.platform.check_invoice = lambda content, syntax: (
        ["BR-FR-CDV-14: le montant encaissé est absent"] if syntax == "CDAR" else []
    )
    _pay(client, invoice, "54,00")
    [status] = _statuses_sent(invoice)
    assert status.state is TransmissionState.REJECTED
    page = client.get(f"/invoices/{invoice.id}").get_data(as_text=True)
    assert "Le statut 212 Encaissée envoyé par l’école" in page and "BR-FR-CDV-14" in page
    assert _listed(client, "einvoice=to_handle") == {invoice.number}
    assert "1 document à traiter" in client.get("/dashboard").get_data(as_text=True)
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Transmission).execution_options(all_schools=True)
        )
        == 2
    )
