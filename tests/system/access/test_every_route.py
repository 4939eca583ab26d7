"""The access matrix names every route of the application, once."""

from __future__ import annotations

from tests.conftest import login_as
from tests.system.access.routes import MATRIX


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints - MATRIX.keys() == set(), "routes missing from the access matrix"
    assert MATRIX.keys() - endpoints == set(), "matrix lines for routes that no longer exist"


def test_staff_never_see_a_customers_unsent_draft(app, world):
    client = login_as(app.test_client(), world.admin)
    assert "Brouillon Zéphyr" not in client.get(f"/admin/customers/{world.company.id}").get_data(as_text=True)
    assert "Brouillon Zéphyr" not in client.get("/requests").get_data(as_text=True)
    assert client.get(f"/requests/{world.draft.id}").status_code == 404
