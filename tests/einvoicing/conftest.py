"""The sandbox platform on a real HTTP server on loopback, checking what it receives against
the published APIs and each invoice against the France_RFE schematrons; the client's side of
every exchange checked against the same documents."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import facturx
import pytest
import requests
from werkzeug.serving import make_server

from ecoprod.einvoicing import contract
from ecoprod.einvoicing.client import Endpoints, PlatformClient
from ecoprod.einvoicing.sandbox import Platform, create_sandbox
from tests.einvoicing import frr_check
from tests.invoicing import cdar_check, facturx_check, ubl_check

CLIENT_ID, CLIENT_SECRET = "ecole-lumiere", "s3cret-of-the-sandbox"


def check_invoice(content: bytes, syntax: str) -> list[str]:
    """What a platform checks on receipt: the France_RFE rules of the file's syntax (the
    CDAR rules for a life-cycle status, the AIFE's flux 10 rules for an e-reporting file)."""
    try:
        if syntax == "Factur-X":
            _, xml = facturx.get_xml_from_pdf(content, check_xsd=False)
            facturx_check.check(xml)
        elif syntax == "CII":
            facturx_check.check(content)
        elif syntax == "UBL":
            ubl_check.check(content)
        elif syntax == "CDAR":
            cdar_check.check(content)
        elif syntax == "FRR":
            frr_check.check(content)
    except Exception as exc:  # every problem (assertion, XSD, PDF) becomes a refusal
        return [str(exc) or exc.__class__.__name__]
    return []


@dataclass
class RunningPlatform:
    platform: Platform
    url: str

    @property
    def endpoints(self) -> Endpoints:
        return Endpoints(
            flow_url=f"{self.url}/flow-service",
            directory_url=f"{self.url}/directory-service",
            token_url=f"{self.url}/token",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
        )


def checked_exchange(service: contract.Service, base: str, response: requests.Response) -> None:
    contract.check_sent(service, base, response)


@pytest.fixture
def pa() -> Iterator[RunningPlatform]:
    platform = Platform(clients={CLIENT_ID: CLIENT_SECRET}, check_invoice=check_invoice)
    server = make_server("127.0.0.1", 0, create_sandbox(platform), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    running = RunningPlatform(platform, f"http://127.0.0.1:{server.server_port}")
    yield running
    server.shutdown()
    thread.join(5)
    assert not platform.refused, "requests the published API refuses:\n" + "\n".join(platform.refused)


@pytest.fixture
def pa_client(pa: RunningPlatform) -> PlatformClient:
    return PlatformClient(pa.endpoints, exchange_hook=checked_exchange)
