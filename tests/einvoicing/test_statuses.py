"""The life cycle of a sent invoice: statuses the platform passes on (CDAR messages that pass
the France_RFE rules) reach the invoice by polling and by the signed webhook, each once, and
only for the school whose invoice it is."""

from __future__ import annotations

import json
import time

import pytest
import sqlalchemy as sa

from ecoprod.einvoicing import jobs
from ecoprod.einvoicing.client import webhook_signature
from ecoprod.einvoicing.models import LifecycleStatus, PlatformConnection, TransmissionState
from ecoprod.extensions import db
from ecoprod.notifications.models import OutboxEmail
from tests.conftest import login_as, post
from tests.einvoicing.test_sending import connect, issue, transmission
from tests.factories.invoicing import drafts
from tests.invoicing import cdar_check


def _connection(world) -> PlatformConnection:
    db.session.expire_all()
    return db.session.scalars(
        sa.select(PlatformConnection)
        .where(PlatformConnection.school_id == world.school.id)
        .execution_options(all_schools=True)
    ).one()


def _codes(invoice) -> list[int]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(LifecycleStatus.code)
            .where(LifecycleStatus.invoice_id == invoice.id)
            .order_by(LifecycleStatus.id)
            .execution_options(all_schools=True)
        )
    )


@pytest.fixture
def sent(client, world, pa):
    """An invoice sent to the platform, the connection tested (its webhook subscribed), the
    platform's webhook calls handed to the test client as a real call would arrive."""
    connect(world, pa)
    login_as(client, world.admin)
    post(client, "/admin/e-invoicing/test").close()
    deliveries = []

    def deliver(url: str, payload: bytes, headers: dict[str, str]) -> int:
        path = url.removeprefix("http://ecoprod.test")
        response = client.post(path, data=payload, headers=headers)
        response.close()  # runs the jobs it queued (at once, in the tests)
        deliveries.append(response.status_code)
        return response.status_code

    pa.platform.deliver = deliver
    invoice = issue(client, drafts(world, 1)[0])
    return invoice, transmission(invoice).flow_id, deliveries


def test_the_connection_test_subscribes_the_school_s_webhook(world, pa, sent):
    connection = _connection(world)
    assert connection.webhook_id in pa.platform.webhooks and connection.sealed_webhook_key
    hook = pa.platform.webhooks[connection.webhook_id]
    assert hook["callbackUrl"] == f"http://ecoprod.test/einvoicing/webhook/{connection.webhook_token}"
    assert hook["flowTypes"] == ["CustomerInvoiceLC"]


def test_statuses_arrive_by_webhook_once_and_show_on_the_invoice(client, world, pa, sent):
    invoice, flow_id, deliveries = sent
    for code in (200, 202, 205):
        message = pa.platform.post_status(flow_id, code)
        cdar_check.check(message.content)  # the sandbox's messages pass the CDAR rules
    assert deliveries == [200, 200, 200] and _codes(invoice) == [200, 202, 205]
    pa.platform.call_webhooks(pa.platform.flows[message.id])  # the platform calls again
    assert _codes(invoice) == [200, 202, 205]
    page = client.get(f"/invoices/{invoice.id}").get_data(as_text=True)
    assert "205 Approuvée" in page and "200 Déposée" in page


def test_statuses_arrive_by_polling_with_the_cursor(client, world, pa, sent):
    invoice, flow_id, _ = sent
    for code in (200, 202, 204, 205):
        pa.platform.post_status(flow_id, code, notify=False)
    jobs.poll_statuses.call_local()
    assert _codes(invoice) == [200, 202, 204, 205]
    pa.platform.post_status(flow_id, 211, notify=False)
    jobs.poll_statuses.call_local()  # from the mark on: the new one, nothing twice
    assert _codes(invoice) == [200, 202, 204, 205, 211]


def test_a_search_page_smaller_than_the_flows_is_followed(world, pa, sent, monkeypatch):
    from ecoprod.einvoicing.client import PlatformClient

    invoice, flow_id, _ = sent
    for code in (200, 202, 204):
        pa.platform.post_status(flow_id, code, notify=False)
    search = PlatformClient.search_flows
    monkeypatch.setattr(
        PlatformClient,
        "search_flows",
        lambda self, where, cursor=None, limit=100: search(self, where, cursor, 1),
    )
    jobs.poll_statuses.call_local()
    assert _codes(invoice) == [200, 202, 204]


@pytest.mark.parametrize(
    ("code", "reason_code", "reason"),
    [
        (207, "TX_TVA_ERR", "Taux de TVA erroné"),
        (210, "CMD_ERR", "Commande inconnue"),
        (213, "DOUBLON", "Facture en doublon"),
    ],
)
def test_a_dispute_a_refusal_or_a_rejection_tells_the_admins(
    client, world, pa, sent, code, reason_code, reason
):
    invoice, flow_id, _ = sent
    message = pa.platform.post_status(flow_id, code, reason_code=reason_code, reason=reason)
    cdar_check.check(message.content)
    assert _codes(invoice) == [code]
    mails = db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.template == "einvoice_status")).all()
    assert [m.to_address for m in mails] == [world.admin.email]
    assert invoice.number in mails[0].subject and reason_code in mails[0].body
    page = client.get(f"/invoices/{invoice.id}").get_data(as_text=True)
    assert reason_code in page and "À traiter" in page
    if code == 213:
        assert transmission(invoice).state is TransmissionState.REJECTED


def test_the_webhook_refuses_unsigned_stale_and_foreign_calls(client, app, world, pa, sent):
    invoice, flow_id, _ = sent
    connection = _connection(world)
    url = f"/einvoicing/webhook/{connection.webhook_token}"
    status = pa.platform.post_status(flow_id, 205, notify=False)
    payload = json.dumps(status.info).encode()
    now = int(time.time())
    key = pa.platform.webhooks[connection.webhook_id]["key"]
    anonymous = app.test_client()
    for headers in (
        {},  # unsigned
        {
            "Afnor-Signature": webhook_signature(b"another key", payload, now),
            "Afnor-Signature-Timestamp": str(now),
        },
        {
            "Afnor-Signature": webhook_signature(key, payload, now - 3600),
            "Afnor-Signature-Timestamp": str(now - 3600),
        },
    ):
        assert anonymous.post(url, data=payload, headers=headers).status_code == 401
    assert anonymous.post("/einvoicing/webhook/not-a-school", data=payload).status_code == 404
    assert _codes(invoice) == []
    signed = {"Afnor-Signature": webhook_signature(key, payload, now), "Afnor-Signature-Timestamp": str(now)}
    response = anonymous.post(url, data=payload, headers=signed)
    response.close()
    assert response.status_code == 200 and _codes(invoice) == [205]


def test_a_status_of_another_school_s_invoice_is_never_recorded(client, world, pa, sent, factory):
    """The other school's flow announced at this school's address, signed with this school's
    key: the platform does not give this school another's flow, and nothing is recorded."""
    invoice, flow_id, _ = sent
    pa.platform.clients["bravo"] = "bravo-secret"
    foreign = pa.platform.post_status(flow_id, 205, notify=False)
    foreign.owner = "bravo"  # the platform keeps it for the other school's client
    connection = _connection(world)
    key = pa.platform.webhooks[connection.webhook_id]["key"]
    payload = json.dumps(foreign.info).encode()
    now = int(time.time())
    headers = {"Afnor-Signature": webhook_signature(key, payload, now), "Afnor-Signature-Timestamp": str(now)}
    response = client.post(f"/einvoicing/webhook/{connection.webhook_token}", data=payload, headers=headers)
    response.close()
    assert response.status_code == 200 and _codes(invoice) == []
    assert any(f"/v1/flows/{foreign.id}" in path for path in pa.platform.not_found)  # asked, and refused
