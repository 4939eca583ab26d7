"""The access matrix: quotes."""

from __future__ import annotations

import pytest

from ecoprod.extensions import db
from ecoprod.schools.models import VatRate
from tests.system.access.scene import (
    ADMIN_ACTION,
    ADMIN_PAGE,
    CUSTOMER_ACTION,
    MEMBER_PAGE,
    SEEN_BY_ITS_COMPANY,
    STAFF_ACTION,
    STAFF_OBJECT,
    Case,
    q,
    quote_count,
    quote_state,
    run_case,
    w,
)

ROUTES: dict[str, Case] = {
    "quotes.index": Case("GET", lambda s: "/quotes", MEMBER_PAGE),
    "quotes.start": Case(
        "POST", w("submitted_with_drawing", "/requests/{id}/quotes"), STAFF_ACTION, changes=quote_count
    ),
    "quotes.edit": Case("GET", q("draft_quote", "/quotes/{id}/edit"), STAFF_OBJECT),
    "quotes.totals": Case("POST", q("draft_quote", "/quotes/{id}/totals"), STAFF_OBJECT),
    "quotes.delete": Case("POST", q("draft_quote", "/quotes/{id}/delete"), STAFF_ACTION, changes=quote_count),
    "quotes.send": Case(
        "POST", q("draft_quote", "/quotes/{id}/send"), STAFF_ACTION, changes=quote_state("draft_quote")
    ),
    "quotes.detail": Case("GET", q("sent_quote", "/quotes/{id}"), SEEN_BY_ITS_COMPANY),
    "quotes.pdf": Case("GET", q("sent_quote", "/quotes/{id}/pdf"), SEEN_BY_ITS_COMPANY),
    "quotes.accepted_pdf": Case("GET", q("accepted_quote", "/quotes/{id}/accepted.pdf"), SEEN_BY_ITS_COMPANY),
    "quotes.accept": Case(
        "POST",
        q("sent_quote", "/quotes/{id}/accept"),
        CUSTOMER_ACTION,
        data=lambda s: {"full_name": "Claire Cliente", "agree": "y"},
        changes=quote_state("sent_quote"),
    ),
    "quotes.refuse": Case(
        "POST",
        q("sent_quote", "/quotes/{id}/refuse"),
        CUSTOMER_ACTION,
        data=lambda s: {"reason": "Trop cher"},
        changes=quote_state("sent_quote"),
    ),
    "quotes.revise": Case("POST", q("sent_quote", "/quotes/{id}/revise"), STAFF_ACTION, changes=quote_count),
    "schools.vat_rates": Case("GET", lambda s: "/admin/vat-rates", ADMIN_PAGE),
    "schools.archive_vat_rate": Case(
        "POST",
        q("vat_rate", "/admin/vat-rates/{id}/archive"),
        ADMIN_ACTION,
        changes=lambda s: db.session.get(VatRate, s.vat_rate.id).archived_at,
    ),
    "schools.default_vat_rate": Case(
        "POST",
        q("vat_rate", "/admin/vat-rates/{id}/default"),
        ADMIN_ACTION,
        changes=lambda s: db.session.get(VatRate, s.vat_rate.id).is_default,
    ),
}


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_as_every_role(app, factory, endpoint):
    run_case(app, factory, endpoint, ROUTES[endpoint])
