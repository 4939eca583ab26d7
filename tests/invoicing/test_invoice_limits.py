"""No document takes more than there is (review finding 6, as a class): an invoice no more
than was delivered and not invoiced yet, a credit note no more than its invoice line not
credited yet, deposits no more than the quote; free lines stay free."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from ecoprod.extensions import db
from ecoprod.invoicing import billable, services
from ecoprod.invoicing.models import Invoice, InvoiceKind
from ecoprod.numbering import SequenceCounter
from ecoprod.orders.models import Order, OrderState
from ecoprod.tenancy import scoped_to
from tests.conftest import login_as, post
from tests.factories import accepted_order, deliver


def _eighty_of_120(factory, world) -> Order:
    order = accepted_order(factory, world, "Axes 120", [("material", "Axe Ø20 usiné", "120", "143", "20")])
    order.lines[0].quantity = Decimal("120")
    db.session.commit()
    deliver(world, order, "80")
    return db.session.get(Order, order.id)


def _editor_post(invoice, quantity: str, **extra):
    line = invoice.lines[0]
    return {
        "lines-0-line_id": str(line.id),
        "lines-0-kind": line.kind.value,
        "lines-0-description": line.description,
        "lines-0-workshop_id": "0",
        "lines-0-unit": line.unit.value,
        "lines-0-quantity": quantity,
        "lines-0-unit_price": str(line.unit_price),
        "lines-0-discount_percent": "0",
        "lines-0-vat_rate": f"{line.vat_rate:.2f}",
        "notes": "",
        **extra,
    }


def _numbers_drawn() -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(SequenceCounter.last_value), 0)))


def test_the_reviewers_invoice_of_5000_out_of_80_delivered_is_refused_beside_the_quantity(
    app, client, factory, world
):
    order = _eighty_of_120(factory, world)
    login_as(client, world.admin)
    assert post(client, f"/requests/{order.id}/invoice").status_code == 302
    draft = db.session.scalars(sa.select(Invoice).where(Invoice.kind == InvoiceKind.INVOICE)).one()
    assert draft.lines[0].quantity == Decimal("80")
    response = post(client, f"/invoices/{draft.id}/edit", _editor_post(draft, "5000", action="issue"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="lines-0-quantity-error"' in page and "80" in page
    db.session.expire_all()
    draft = db.session.get(Invoice, draft.id)
    assert draft.number is None and draft.lines[0].quantity == Decimal("80")
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Invoice).where(Invoice.number.is_not(None)))
        == 0
    )
    # Saving alone is refused the same way; the full 80 is accepted.
    assert (
        post(client, f"/invoices/{draft.id}/edit", _editor_post(draft, "81", action="save")).status_code
        == 400
    )
    assert (
        post(client, f"/invoices/{draft.id}/edit", _editor_post(draft, "80", action="issue")).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Invoice, draft.id).total_net == Decimal("11440.00")


def test_two_drafts_share_what_was_delivered(app, client, factory, world):
    order = _eighty_of_120(factory, world)
    with scoped_to(db.session, world.school.id):
        first = services.draft_invoice([order], world.admin)
        db.session.commit()
        with pytest.raises(services.InvoicingError):
            services.draft_invoice([order], world.admin)  # the first draft holds all 80
    login_as(client, world.admin)
    assert (
        post(client, f"/invoices/{first.id}/edit", _editor_post(first, "50", action="save")).status_code
        == 302
    )
    with scoped_to(db.session, world.school.id):
        second = services.draft_invoice([db.session.get(Order, order.id)], world.admin)
        db.session.commit()
    assert second.lines[0].quantity == Decimal("30")
    response = post(client, f"/invoices/{second.id}/edit", _editor_post(second, "31", action="save"))
    assert response.status_code == 400 and "30" in response.get_data(as_text=True)


def test_issuing_checks_again_whatever_the_draft_became(app, client, factory, world):
    """A draft changed behind the editor's back (or by a concurrent save) is refused at issue."""
    order = _eighty_of_120(factory, world)
    with scoped_to(db.session, world.school.id):
        draft = services.draft_invoice([order], world.admin)
        draft.lines[0].quantity = Decimal("5000")
        db.session.commit()
    counters = _numbers_drawn()
    login_as(client, world.admin)
    response = post(client, f"/invoices/{draft.id}/issue", follow_redirects=True)
    assert "80" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Invoice, draft.id).number is None
    assert _numbers_drawn() == counters  # no number drawn, none lost
    with scoped_to(db.session, world.school.id), pytest.raises(services.InvoicingError):
        services.issue(db.session.get(Invoice, draft.id), world.admin)


def test_free_lines_stay_free(app, client, factory, world):
    order = _eighty_of_120(factory, world)
    with scoped_to(db.session, world.school.id):
        draft = services.draft_invoice([order], world.admin)
        db.session.commit()
    login_as(client, world.admin)
    data = _editor_post(draft, "80", action="issue") | {
        "lines-1-line_id": "",
        "lines-1-kind": "other",
        "lines-1-description": "Transport",
        "lines-1-workshop_id": "0",
        "lines-1-unit": "flat",
        "lines-1-quantity": "5000",
        "lines-1-unit_price": "1",
        "lines-1-discount_percent": "0",
        "lines-1-vat_rate": "20.00",
    }
    assert post(client, f"/invoices/{draft.id}/edit", data).status_code == 302
    db.session.expire_all()
    assert [ln.quantity for ln in db.session.get(Invoice, draft.id).lines] == [Decimal("80"), Decimal("5000")]


def _issued(factory, world) -> Invoice:
    order = _eighty_of_120(factory, world)
    with scoped_to(db.session, world.school.id):
        invoice = services.issue(services.draft_invoice([order], world.admin), world.admin)
        db.session.commit()
    return invoice


def test_a_line_is_never_credited_beyond_its_quantity(app, client, factory, world):
    invoice = _issued(factory, world)
    line = invoice.lines[0]
    login_as(client, world.admin)
    for attempt in ("81", "NaN", "-1", "inf", "1e999", "abc"):
        response = post(
            client, f"/invoices/{invoice.id}/credit-note", {"scope": "lines", f"credit-{line.id}": attempt}
        )
        assert response.status_code == 400, attempt
        assert f'id="credit-{line.id}-error"' in response.get_data(as_text=True), attempt
    assert (
        post(
            client, f"/invoices/{invoice.id}/credit-note", {"scope": "lines", f"credit-{line.id}": "50"}
        ).status_code
        == 302
    )
    first = db.session.scalars(sa.select(Invoice).where(Invoice.kind == InvoiceKind.CREDIT_NOTE)).one()
    assert first.lines[0].credited_line_id == line.id
    # Another note may take the 30 left, not more; the first one's draft counts already.
    response = post(
        client, f"/invoices/{invoice.id}/credit-note", {"scope": "lines", f"credit-{line.id}": "31"}
    )
    assert response.status_code == 400
    # And the first note's draft cannot be raised above its line in the editor.
    response = post(client, f"/invoices/{first.id}/edit", _editor_post(first, "81", action="issue"))
    assert response.status_code == 400 and 'id="lines-0-quantity-error"' in response.get_data(as_text=True)
    assert billable.left_to_credit([line.id]) == {line.id: Decimal("30")}


def test_deposits_never_exceed_the_quote(app, client, factory, world):
    order = accepted_order(
        factory, world, "Acomptes", [("labour", "Usinage", "10", "50", "20")], state=OrderState.ACCEPTED
    )
    login_as(client, world.admin)
    assert post(client, f"/requests/{order.id}/deposit", {"deposit-percent": "60"}).status_code == 302
    response = post(client, f"/requests/{order.id}/deposit", {"deposit-percent": "50"}, follow_redirects=True)
    assert "40" in response.get_data(as_text=True)
    deposits = db.session.scalars(sa.select(Invoice).where(Invoice.kind == InvoiceKind.DEPOSIT)).all()
    assert len(deposits) == 1
    # The deposit's amount raised in the editor above the quote: refused.
    deposit = deposits[0]
    data = _editor_post(deposit, "1", action="issue") | {"lines-0-unit_price": "1000"}
    response = post(client, f"/invoices/{deposit.id}/edit", data)
    assert response.status_code == 400 and "acomptes" in response.get_data(as_text=True).lower()
    db.session.expire_all()
    assert db.session.get(Invoice, deposit.id).number is None


def test_the_invoice_editor_keeps_the_workshop_the_administrator_chooses(app, client, factory, world):
    """Issue 9: the editor showed a workshop select whose choice was silently dropped, while
    revenue per workshop reads that column."""
    order = _eighty_of_120(factory, world)
    with scoped_to(db.session, world.school.id):
        draft = services.draft_invoice([order], world.admin)
        db.session.commit()
    assert draft.lines[0].workshop_id is None  # the quote line had no workshop
    login_as(client, world.admin)
    data = _editor_post(draft, "80", action="save") | {"lines-0-workshop_id": str(world.metalwork.id)}
    assert post(client, f"/invoices/{draft.id}/edit", data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Invoice, draft.id).lines[0].workshop_id == world.metalwork.id
    page = client.get(f"/invoices/{draft.id}/edit").get_data(as_text=True)
    assert f'selected value="{world.metalwork.id}">Métallerie Alpha' in page
