"""Order again: a delivered order's customer makes a new draft of the same lines and drawings
(its own copies of the files), which refers to the order it repeats; the school's staff do it
for the customer (sent at once); nobody else can. The master starts the new quote from the
previous accepted quote, labour at today's hourly rates."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from ecoprod.delivery import services as delivery
from ecoprod.extensions import db
from ecoprod.orders.models import Attachment, Order, OrderState
from ecoprod.pricing.models import LineKind
from ecoprod.quotes.models import Quote
from ecoprod.storage import file_store
from ecoprod.tenancy import scoped_to
from tests.conftest import last_email_to, login_as, post
from tests.factories import PDF_BYTES, ready_order
from tests.factories.quotes import accepted_order


@pytest.fixture
def delivered(factory, world):
    with scoped_to(db.session, world.school.id):
        order = ready_order(factory, world.customer_user, "Axes à refaire", quantity="10")
        store = file_store()
        order.attachments.append(
            Attachment(
                school_id=order.school_id,
                original_name="axe.pdf",
                stored_name=store.save(order.school_id, PDF_BYTES, db.session),
                kind="PDF",
                content_type="application/pdf",
                size=len(PDF_BYTES),
                sha256="0" * 64,
                uploaded_by_id=world.customer_user.id,
            )
        )
        delivery.issue(order, {order.lines[0].id: Decimal("10")}, world.admin)
        db.session.commit()
    assert order.state is OrderState.DELIVERED
    return order


def test_the_customer_orders_a_delivered_order_again(client, world, delivered):
    login_as(client, world.customer_user)
    assert "Commander à nouveau" in client.get(f"/requests/{delivered.id}").get_data(as_text=True)
    response = post(client, f"/requests/{delivered.id}/reorder")
    assert response.status_code == 302
    db.session.expire_all()
    copy = db.session.scalars(sa.select(Order).where(Order.reorder_of_id == delivered.id)).one()
    assert response.location.endswith(f"/requests/{copy.id}/edit")
    assert (
        copy.state is OrderState.DRAFT
        and copy.number is None
        and copy.created_by_id == world.customer_user.id
    )
    original = db.session.get(Order, delivered.id)
    assert [(ln.description, ln.quantity, ln.trade) for ln in copy.lines] == [
        (ln.description, ln.quantity, ln.trade) for ln in original.lines
    ]
    [drawing] = copy.attachments
    assert drawing.stored_name != original.attachments[0].stored_name  # its own file
    assert file_store().path(copy.school_id, drawing.stored_name).read_bytes() == PDF_BYTES
    page = client.get(f"/requests/{copy.id}").get_data(as_text=True)
    assert "Nouvelle commande de" in page and original.number in page
    post(client, f"/requests/{copy.id}/submit").close()  # sent like any request
    db.session.expire_all()
    assert db.session.get(Order, copy.id).number
    login_as(client, world.master)  # the master sees what it repeats
    assert original.number in client.get(f"/requests/{copy.id}").get_data(as_text=True)


def test_only_the_company_and_only_once_delivered(client, world, delivered):
    login_as(client, world.rival_user)
    assert post(client, f"/requests/{delivered.id}/reorder").status_code == 404
    login_as(client, world.metal_master)  # a master of another trade
    assert post(client, f"/requests/{delivered.id}/reorder").status_code == 403
    login_as(client, world.other_admin)
    assert post(client, f"/requests/{delivered.id}/reorder").status_code == 404
    login_as(client, world.customer_user)
    assert post(client, f"/requests/{world.submitted.id}/reorder").status_code == 403  # not delivered yet
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Order).where(Order.reorder_of_id.is_not(None))
        )
        == 0
    )


def test_staff_order_again_for_the_customer_and_the_request_is_sent(client, world, delivered):
    login_as(client, world.admin)
    page = client.get(f"/requests/{delivered.id}").get_data(as_text=True)
    assert "Commander à nouveau pour le client" in page
    response = post(client, f"/requests/{delivered.id}/reorder")
    db.session.expire_all()
    copy = db.session.scalars(sa.select(Order).where(Order.reorder_of_id == delivered.id)).one()
    assert response.status_code == 302 and response.location.endswith(f"/requests/{copy.id}")
    assert copy.state is OrderState.SUBMITTED and copy.number and copy.customer_id == delivered.customer_id
    assert copy.created_by_id == world.admin.id and len(copy.attachments) == 1
    assert last_email_to(world.master.email) is not None  # the masters of its trade hear of it
    login_as(client, world.customer_user)  # the customer sees it among its requests
    assert copy.number in client.get("/requests").get_data(as_text=True)


def test_the_master_starts_the_quote_from_the_previous_one_at_todays_rates(client, factory, world):
    previous = accepted_order(
        factory,
        world,
        "Platines",
        [
            ("labour", "Usinage des platines", "3", "40.00", "20.00"),
            ("material", "Acier S235", "1", "55.00", "20.00"),
        ],
        discount="5",
        state=OrderState.DELIVERED,
    )
    with scoped_to(db.session, world.school.id):
        [quote] = db.session.scalars(sa.select(Quote).where(Quote.order_id == previous.id)).all()
        quote.lines[0].workshop_id = world.machining.id
        world.machining.hourly_rate = Decimal("47.50")  # the rate went up since
        db.session.commit()
    login_as(client, world.master)
    post(client, f"/requests/{previous.id}/reorder").close()
    db.session.expire_all()
    copy = db.session.scalars(sa.select(Order).where(Order.reorder_of_id == previous.id)).one()
    page = client.get(f"/requests/{copy.id}").get_data(as_text=True)
    assert f"Partir du devis {quote.number}" in page
    response = post(client, f"/requests/{copy.id}/quotes", {"from": "previous"})
    assert response.status_code == 302
    db.session.expire_all()
    draft = db.session.scalars(sa.select(Quote).where(Quote.order_id == copy.id)).one()
    assert [(ln.kind, ln.description, ln.quantity, ln.unit_price, ln.workshop_id) for ln in draft.lines] == [
        (LineKind.LABOUR, "Usinage des platines", Decimal("3"), Decimal("47.50"), world.machining.id),
        (LineKind.MATERIAL, "Acier S235", Decimal("1"), Decimal("55.00"), None),
    ]
    assert draft.discount_percent == Decimal("5")


def test_starting_from_a_previous_quote_needs_one(client, world, delivered):
    login_as(client, world.admin)
    post(client, f"/requests/{delivered.id}/reorder").close()
    db.session.expire_all()
    copy = db.session.scalars(sa.select(Order).where(Order.reorder_of_id == delivered.id)).one()
    assert "Partir du devis" not in client.get(f"/requests/{copy.id}").get_data(as_text=True)
    response = post(client, f"/requests/{copy.id}/quotes", {"from": "previous"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Quote).where(Quote.order_id == copy.id)) == 0
    )
