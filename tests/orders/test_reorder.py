"""Order again: a delivered order's customer makes a new draft of the same lines and drawings
(its own copies of the files), which refers to the order it repeats; nobody else can."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from ecoprod.delivery import services as delivery
from ecoprod.extensions import db
from ecoprod.orders.models import Attachment, Order, OrderState
from ecoprod.storage import file_store
from ecoprod.tenancy import scoped_to
from tests.conftest import login_as, post
from tests.factories import PDF_BYTES, ready_order


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
    login_as(client, world.admin)
    assert post(client, f"/requests/{delivered.id}/reorder").status_code == 403
    login_as(client, world.customer_user)
    assert post(client, f"/requests/{world.submitted.id}/reorder").status_code == 403  # not delivered yet
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Order).where(Order.reorder_of_id.is_not(None))
        )
        == 0
    )
