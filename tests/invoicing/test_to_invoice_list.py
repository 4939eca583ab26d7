"""The to-invoice page lists the orders ``billable.to_invoice`` has something for, in bulk
(one query for a page's lines, plain rows), and no other: partial deliveries, what a draft
already takes, what an issued invoice took."""

from __future__ import annotations

import re
from decimal import Decimal

from ecoprod.extensions import db
from ecoprod.i18n import money
from ecoprod.invoicing import billable, services
from ecoprod.invoicing.models import PaymentMethod
from ecoprod.orders.models import Order
from ecoprod.tenancy import scoped_to
from tests.conftest import login_as
from tests.factories import accepted_order, deliver

LINES = [
    ("labour", "Tournage", "6", "48.00", "20"),
    ("material", "Acier C45", "40", "3.35", "20"),
]


def _order(factory, world, title: str, delivered: str | None) -> Order:
    order = accepted_order(factory, world, title, LINES)
    order.lines[0].quantity = Decimal("10")
    db.session.commit()
    if delivered:
        deliver(world, order, delivered)
    return order


def _listed(client, orders: list[Order]) -> list[Order]:
    page = client.get("/invoices/to-invoice").get_data(as_text=True)
    return [order for order in orders if f'href="/requests/{order.id}"' in page]


def test_the_page_lists_what_to_invoice_answers_for(app, client, factory, world):
    untouched = _order(factory, world, "Pas encore livrée", None)
    whole = _order(factory, world, "Livrée en entier", "10")
    part = _order(factory, world, "Livrée à 40 %", "4")
    drafted = _order(factory, world, "Livrée, brouillon fait", "4")
    issued = _order(factory, world, "Livrée en partie, facturée", "4")
    then_more = _order(factory, world, "Facturée puis livrée encore", "4")
    with scoped_to(db.session, world.school.id):
        services.draft_invoice([drafted], world.admin)
        for order in (issued, then_more):
            services.issue(services.draft_invoice([order], world.admin), world.admin)
        db.session.commit()
    deliver(world, then_more, "3")
    orders = [untouched, whole, part, drafted, issued, then_more]

    with scoped_to(db.session, world.school.id):
        expected = [order for order in orders if billable.to_invoice(order) is not None]
        assert billable.with_something_to_invoice(orders) == expected
    assert expected == [whole, part, then_more]

    login_as(client, world.admin)
    assert _listed(client, orders) == expected
    page = client.get("/invoices/to-invoice").get_data(as_text=True)
    assert world.company.name in page  # each order's customer
    assert "Partiellement livrée" in page and "Livrée en entier" in page
    assert "Pas encore livrée" not in page and "brouillon fait" not in page


def test_the_invoice_list_rows_say_what_the_records_say(app, client, factory, world):
    """The list reads plain columns: each row still shows the invoice's own words (number,
    kind, state in agreement with the document, total, balance), drafts with their lines'
    total, and the customer sees neither drafts nor another company's invoices."""
    paid_in_part = _order(factory, world, "Payée en partie", "10")
    credited = _order(factory, world, "Créditée", "10")
    drafted = _order(factory, world, "Brouillon de facture", "10")
    with scoped_to(db.session, world.school.id):
        invoice = services.issue(services.draft_invoice([paid_in_part], world.admin), world.admin)
        services.record_payment(
            invoice, invoice.issue_date, Decimal("100"), PaymentMethod.TRANSFER, None, world.admin
        )
        other = services.issue(services.draft_invoice([credited], world.admin), world.admin)
        note = services.issue(services.draft_credit_note(other, world.admin), world.admin)
        draft = services.draft_invoice([drafted], world.admin)
        db.session.commit()
        invoices = [invoice, other, note, draft]
        words = {i.id: (i.reference, i.kind.label, i.state_label, i.state_tone) for i in invoices}
        totals = {i.id: money(i.total_gross if i.number else i.totals().gross) for i in invoices}
        balances = {i.id: money(i.balance) for i in (invoice, other)}
    assert words[note.id][2] == "Émis" and words[invoice.id][2] == "Partiellement payée"

    login_as(client, world.admin)
    rows = _rows(client.get("/invoices").get_data(as_text=True))
    for i in invoices:
        reference, kind, state, tone = words[i.id]
        row = rows[i.id]
        assert f">{reference}</a>" in row and f"<td>{kind}</td>" in row and world.company.name in row
        assert f'badge-{tone}">{state}</span>' in row and totals[i.id] in row
        assert balances.get(i.id, "—") in row

    login_as(client, world.customer_user)
    rows = _rows(client.get("/invoices").get_data(as_text=True))
    assert set(rows) == {invoice.id, other.id, note.id}  # no draft
    assert world.company.name not in "".join(rows.values())  # no customer column
    assert words[invoice.id][2] in rows[invoice.id] and balances[invoice.id] in rows[invoice.id]


def _rows(page: str) -> dict[int, str]:
    return {
        int(m.group(1)): m.group(0)
        for m in re.finditer(r'<tr>\s*<td><a href="/invoices/(\d+)".*?</tr>', page, re.S)
    }
