"""The client against the sandbox platform, each exchange validated both ways against the
AFNOR Flow Service 1.3.0 document: requests the document refuses fail the test."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest
import requests

from ecoprod.einvoicing import contract
from ecoprod.einvoicing.client import PlatformClient, PlatformError
from tests.einvoicing.conftest import checked_exchange


def test_health_needs_both_services_and_valid_credentials(pa, pa_client):
    pa_client.health()
    wrong = dataclasses.replace(pa.endpoints, client_secret="not-it")
    with pytest.raises(PlatformError) as refused:
        PlatformClient(wrong, exchange_hook=checked_exchange).health()
    assert refused.value.status == 401 and not refused.value.transient
    assert "client id or secret" in str(refused.value)


def test_a_platform_down_is_a_transient_error(pa, pa_client):
    pa.platform.down = True
    with pytest.raises(PlatformError) as down:
        pa_client.health()
    assert down.value.status == 503 and down.value.transient


def test_an_unreachable_platform_is_a_transient_error(pa):
    nowhere = dataclasses.replace(pa.endpoints, flow_url="http://127.0.0.1:9/flow-service")
    with pytest.raises(PlatformError) as unreachable:
        PlatformClient(nowhere, timeout=2).health()
    assert unreachable.value.status is None and unreachable.value.transient


def test_a_flow_is_uploaded_with_its_fingerprint_and_read_back(pa, pa_client):
    xml = b"<not-an-invoice/>"
    answer = pa_client.send_flow(
        name="FA-2026-00001.xml",
        content=xml,
        content_type="application/xml",
        syntax="CII",
        tracking_id="FA-2026-00001",
        processing_rule="B2B",
    )
    assert answer["trackingId"] == "FA-2026-00001"
    assert answer["sha256"] == hashlib.sha256(xml).hexdigest()
    flow = pa_client.get_flow(answer["flowId"])
    assert flow["acknowledgement"]["status"] == "Error"  # the schematrons refuse it
    assert flow["acknowledgement"]["details"][0]["reasonCode"] == "InvalidSchema"
    assert pa_client.download_flow(answer["flowId"]) == xml


def test_a_flow_whose_fingerprint_differs_is_refused(pa, pa_client):
    session = requests.Session()
    token = pa_client._access_token()
    info = {"name": "x.xml", "flowSyntax": "CII", "sha256": "0" * 64}
    response = session.post(
        f"{pa.url}/flow-service/v1/flows",
        headers={"Authorization": f"Bearer {token}"},
        files={
            "flowInfo": (None, json.dumps(info), "application/json"),
            "file": ("x.xml", b"<x/>", "application/xml"),
        },
    )
    contract.check_sent("flow", f"{pa.url}/flow-service", response)
    assert response.status_code == 422


def test_a_request_the_document_refuses_fails_on_both_sides(pa, pa_client):
    with pytest.raises(contract.ContractBroken, match="request POST"):
        pa_client.send_flow(
            name="x.pdf", content=b"%PDF", content_type="application/pdf", syntax="PDF", tracking_id="t"
        )
    assert pa.platform.refused  # the sandbox refused it too
    pa.platform.refused.clear()


def test_another_client_s_flow_is_not_found(pa, pa_client):
    pa.platform.clients["other-school"] = "other-secret"
    answer = pa_client.send_flow(
        name="a.xml", content=b"<a/>", content_type="application/xml", syntax="CII", tracking_id="A-1"
    )
    other = PlatformClient(
        dataclasses.replace(pa.endpoints, client_id="other-school", client_secret="other-secret"),
        exchange_hook=checked_exchange,
    )
    with pytest.raises(PlatformError) as missing:
        other.get_flow(answer["flowId"])
    assert missing.value.status == 404
