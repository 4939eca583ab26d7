"""The access matrix: invoices, exports, the dashboard."""

from __future__ import annotations

import pytest

from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing.models import Invoice
from tests.system.access.scene import (
    ADMIN_ACTION,
    ADMIN_OBJECT,
    ADMIN_PAGE,
    SCHOOL_ACTION,
    SEEN_BY_ADMIN_AND_ITS_COMPANY,
    Case,
    expect,
    inv,
    invoice_count,
    invoice_settled,
    run_case,
    w,
)

ROUTES: dict[str, Case] = {
    "invoicing.index": Case(
        "GET",
        lambda s: "/invoices?tab=unpaid",
        expect(403, anonymous=302, customer=200, rival=200, admin=200, other_admin=200),
    ),
    "invoicing.to_invoice": Case("GET", lambda s: "/invoices/to-invoice", ADMIN_PAGE),
    "invoicing.overdue": Case("GET", lambda s: "/invoices/overdue", ADMIN_PAGE),
    "invoicing.invoice_order": Case(
        "POST", inv("invoiced_order", "/requests/{id}/invoice"), ADMIN_ACTION, changes=invoice_count
    ),
    "invoicing.deposit": Case(
        "POST",
        inv("invoiced_order", "/requests/{id}/deposit"),
        ADMIN_ACTION,
        data=lambda s: {"deposit-percent": "30"},
        changes=invoice_count,
    ),
    "invoicing.group": Case(
        "POST",
        lambda s: "/invoices/group",
        SCHOOL_ACTION,
        data=lambda s: {"group-start": "2020-01-01", "group-end": local_today().isoformat()},
        changes=invoice_count,
    ),
    "invoicing.edit": Case("GET", inv("draft_invoice", "/invoices/{id}/edit"), ADMIN_OBJECT),
    "invoicing.issue": Case(
        "POST",
        inv("draft_invoice", "/invoices/{id}/issue"),
        ADMIN_ACTION,
        changes=lambda s: db.session.get(Invoice, s.draft_invoice.id).number,
    ),
    "invoicing.delete": Case(
        "POST", inv("draft_invoice", "/invoices/{id}/delete"), ADMIN_ACTION, changes=invoice_count
    ),
    "invoicing.detail": Case("GET", inv("invoice", "/invoices/{id}"), SEEN_BY_ADMIN_AND_ITS_COMPANY),
    "invoicing.pdf": Case("GET", inv("invoice", "/invoices/{id}/pdf"), SEEN_BY_ADMIN_AND_ITS_COMPANY),
    "invoicing.record_payment": Case(
        "POST",
        inv("invoice", "/invoices/{id}/payments"),
        ADMIN_ACTION,
        data=lambda s: {
            "payment-paid_on": local_today().isoformat(),
            "payment-amount": "10",
            "payment-method": "transfer",
        },
        changes=invoice_settled,
    ),
    "invoicing.credit_note": Case(
        "POST", inv("invoice", "/invoices/{id}/credit-note"), ADMIN_ACTION, changes=invoice_count
    ),
    "invoicing.remind": Case("POST", inv("invoice", "/invoices/{id}/remind"), ADMIN_ACTION),
    "invoicing.exports_page": Case("GET", lambda s: "/exports", ADMIN_PAGE),
    "invoicing.journal_csv": Case(
        "GET", lambda s: f"/exports/journal.csv?start=2020-01-01&end={local_today()}", ADMIN_PAGE
    ),
    "invoicing.payments": Case(
        "GET", lambda s: f"/exports/payments.xlsx?start=2020-01-01&end={local_today()}", ADMIN_PAGE
    ),
    "invoicing.fec": Case(
        "GET", lambda s: f"/exports/fec.txt?start=2020-01-01&end={local_today()}", ADMIN_PAGE
    ),
    "invoicing.statement": Case("GET", w("company", "/admin/customers/{id}/statement.pdf"), ADMIN_OBJECT),
    "invoicing.dashboard": Case("GET", lambda s: "/dashboard", ADMIN_PAGE),
}


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_as_every_role(app, factory, endpoint):
    run_case(app, factory, endpoint, ROUTES[endpoint])
