"""The access matrix: the school's e-invoicing platform (administrators of the school only)."""

from __future__ import annotations

import pytest

from tests.system.access.scene import ADMIN_ACTION, ADMIN_PAGE, Case, expect, run_case, w

ROUTES: dict[str, Case] = {
    "einvoicing.connection": Case("GET", lambda s: "/admin/e-invoicing", ADMIN_PAGE),
    # Each administrator tests their own school's connection (none here: back to the page).
    "einvoicing.test": Case(
        "POST", lambda s: "/admin/e-invoicing/test", expect(403, anonymous=302, admin=302, other_admin=302)
    ),
    # An administrator asks the annuaire about a customer of their school (no platform here:
    # the refusal is shown on the customer's page); another school's customer is not found.
    "einvoicing.check_directory": Case(
        "POST", w("company", "/admin/e-invoicing/customers/{id}/directory"), ADMIN_ACTION
    ),
    # The platform's calls: no session, an address no one can guess (its tests: test_statuses).
    "einvoicing.webhook": Case("POST", lambda s: "/einvoicing/webhook/no-such-address", expect(404)),
}


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_as_every_role(app, factory, endpoint):
    run_case(app, factory, endpoint, ROUTES[endpoint])
