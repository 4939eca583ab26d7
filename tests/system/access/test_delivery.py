"""The access matrix: delivery notes."""

from __future__ import annotations

import io

import pytest

from ecoprod.i18n import local_today
from tests.factories import PDF_BYTES
from tests.system.access.scene import (
    SEEN_BY_SCHOOL_AND_ITS_COMPANY,
    Case,
    dn,
    expect,
    reception,
    run_case,
)

ROUTES: dict[str, Case] = {
    # The school's notes for its administrators; its own company's for a customer.
    "delivery.index": Case(
        "GET",
        lambda s: "/deliveries?pending=1",
        expect(403, anonymous=302, admin=200, other_admin=200, customer=200, rival=200),
    ),
    "delivery.new": Case(
        "GET",
        dn("/requests/{order}/deliveries/new"),
        expect(403, anonymous=302, admin=200, other_admin=404),
    ),
    "delivery.detail": Case("GET", dn("/deliveries/{id}"), SEEN_BY_SCHOOL_AND_ITS_COMPANY),
    "delivery.pdf": Case("GET", dn("/deliveries/{id}/pdf"), SEEN_BY_SCHOOL_AND_ITS_COMPANY),
    "delivery.scan": Case(
        "GET", dn("/deliveries/{id}/scan"), expect(404, anonymous=302, operator=403, student=403)
    ),  # no scan filed yet (tests/test_delivery.py files one)
    "delivery.receive": Case(
        "POST",
        dn("/deliveries/{id}/reception"),
        expect(403, anonymous=302, customer=302, rival=404),
        data=lambda s: {
            "reception-name": "Claire Cliente",
            "reception-received_on": local_today().isoformat(),
        },
        changes=reception,
    ),
    "delivery.upload_scan": Case(
        "POST",
        dn("/deliveries/{id}/scan"),
        expect(403, anonymous=302, admin=302, other_admin=404),
        data=lambda s: {
            "scan-scan": (io.BytesIO(PDF_BYTES), "bl.pdf"),
            "scan-received_on": local_today().isoformat(),
        },
        changes=reception,
    ),
}


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_as_every_role(app, factory, endpoint):
    run_case(app, factory, endpoint, ROUTES[endpoint])
