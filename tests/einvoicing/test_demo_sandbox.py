"""The demo's platform as `make run` starts it (`flask einvoicing sandbox`, a real process on
loopback): a school connected to it sends an invoice and reads the statuses it posts by
itself (200 Déposée, then 205 Approuvée), by polling."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest

from ecoprod.einvoicing import jobs, services
from ecoprod.einvoicing.commands import DEMO_CLIENT
from ecoprod.einvoicing.models import Syntax, TransmissionState
from ecoprod.extensions import db
from ecoprod.tenancy import scoped_to
from tests.conftest import login_as, post
from tests.einvoicing.test_sending import issue, transmission
from tests.einvoicing.test_statuses import _codes
from tests.factories.invoicing import drafts
from tests.servers import ROOT, free_port


@pytest.fixture
def sandbox_url(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "ECOPROD_ENV": "development",
        "SECRET_KEY": "sandbox",
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
    }
    command = [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "ecoprod",
        "einvoicing",
        "sandbox",
        "--port",
        str(port),
        "--delay",
        "0.3",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/flow-service/v1/healthcheck", timeout=1)  # noqa: S310 - our loopback
        except urllib.error.HTTPError:
            break  # it answers (401 without a token)
        except OSError:
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(10)


def test_the_demo_platform_takes_an_invoice_and_moves_it_on(client, world, sandbox_url):
    with scoped_to(db.session, world.school.id):
        services.save_connection(
            world.school,
            services.ConnectionInput(
                flow_url=f"{sandbox_url}/flow-service",
                directory_url=f"{sandbox_url}/directory-service",
                token_url=f"{sandbox_url}/token",
                client_id=DEMO_CLIENT[0],
                client_secret=DEMO_CLIENT[1],
                syntax=Syntax.FACTURX,
            ),
        )
    db.session.commit()
    login_as(client, world.admin)
    post(client, "/admin/e-invoicing/test").close()
    invoice = issue(client, drafts(world, 1)[0])
    assert transmission(invoice).state is TransmissionState.ACCEPTED  # the XSD check passed
    deadline = time.monotonic() + 15
    while _codes(invoice) != [200, 205] and time.monotonic() < deadline:
        time.sleep(0.3)
        jobs.poll_statuses.call_local()  # the webhook's calls go to ecoprod.test: no one there
    assert _codes(invoice) == [200, 205]


def test_the_demo_platform_takes_the_e_reporting(client, world, sandbox_url):
    """The demo school's e-reporting goes to the same platform, which checks it with the
    DGFiP XSD (the tests' platform runs the AIFE schematron too: test_ereporting)."""
    from ecoprod.customers.models import CustomerType
    from ecoprod.einvoicing.models import Flux
    from ecoprod.schools.models import VatFiling
    from tests.einvoicing.test_ereporting import _after, _customer, _issued, _prepare, _sent

    with scoped_to(db.session, world.school.id):
        services.save_connection(
            world.school,
            services.ConnectionInput(
                flow_url=f"{sandbox_url}/flow-service",
                directory_url=f"{sandbox_url}/directory-service",
                token_url=f"{sandbox_url}/token",
                client_id=DEMO_CLIENT[0],
                client_secret=DEMO_CLIENT[1],
                syntax=Syntax.FACTURX,
                platform_number="9001",
            ),
        )
    db.session.commit()
    _customer(world, CustomerType.INDIVIDUAL)
    login_as(client, world.admin)
    _issued(client, world)
    [report] = [r for r in _prepare(world, _after(VatFiling.MONTHLY, Flux.SALES_INDIVIDUALS)) if r.documents]
    assert _sent(report).state is TransmissionState.ACCEPTED
