"""The access matrix: order requests and orders."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ecoprod.extensions import db
from ecoprod.orders.models import Order
from tests.system.access.scene import (
    CUSTOMER_PAGE,
    MEMBER_PAGE,
    STAFF_PAGE,
    Case,
    expect,
    order_state,
    run_case,
    w,
)

ROUTES: dict[str, Case] = {
    "orders.index": Case("GET", lambda s: "/requests", MEMBER_PAGE),
    "orders.inbox": Case("GET", lambda s: "/inbox", STAFF_PAGE),
    "orders.new": Case("GET", lambda s: "/requests/new", CUSTOMER_PAGE),
    "orders.edit": Case(
        "GET", w("draft", "/requests/{id}/edit"), expect(403, anonymous=302, customer=200, rival=404)
    ),
    "orders.detail": Case(
        "GET",
        w("submitted", "/requests/{id}"),
        expect(200, anonymous=302, rival=404, other_admin=404, operator=403, student=403),
    ),
    # Order again: a delivered order, by its company or the school's staff (this one is not delivered yet).
    "orders.reorder": Case(
        "POST",
        w("submitted", "/requests/{id}/reorder"),
        expect(403, anonymous=302, rival=404, other_admin=404),
        changes=lambda s: db.session.scalar(sa.select(sa.func.count()).select_from(Order)),
    ),
    "orders.submit": Case(
        "POST",
        w("draft", "/requests/{id}/submit"),
        expect(403, anonymous=302, customer=302, rival=404),
        changes=order_state("draft"),
    ),
    "orders.cancel": Case(
        "POST",
        w("submitted", "/requests/{id}/cancel"),
        expect(403, anonymous=302, customer=302, admin=302, rival=404, other_admin=404),
        data=lambda s: {"cancel-reason": "Plus nécessaire"},
        changes=order_state("submitted"),
    ),
    "orders.decline": Case(
        "POST",
        w("submitted", "/requests/{id}/decline"),
        expect(403, anonymous=302, master=302, admin=302, other_admin=404),
        data=lambda s: {"decline-reason": "Atelier complet"},
        changes=order_state("submitted"),
    ),
    "orders.download": Case(
        "GET",
        lambda s: (
            f"/requests/{s.world.submitted_with_drawing.id}/drawings/{s.attachment_of(s.world.submitted_with_drawing)}"
        ),
        expect(200, anonymous=302, rival=404, other_admin=404, operator=403, student=403),
    ),
    "orders.delete_drawing": Case(
        "POST",
        lambda s: f"/requests/{s.world.draft.id}/drawings/{s.attachment_of(s.world.draft)}/delete",
        expect(403, anonymous=302, customer=302, rival=404),
        changes=lambda s: len(db.session.get(Order, s.world.draft.id).attachments),
    ),
}


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_as_every_role(app, factory, endpoint):
    run_case(app, factory, endpoint, ROUTES[endpoint])
