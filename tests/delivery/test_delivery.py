"""Delivery notes: partial and full, the order's state, the PDF, reception online and on paper."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from ecoprod.delivery import services
from ecoprod.delivery.models import DeliveryNote
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.orders.models import OrderState
from ecoprod.tenancy import scoped_to
from tests.conftest import login_as, post
from tests.factories import PDF_BYTES, ready_order


@pytest.fixture
def order(factory, world):
    with scoped_to(db.session, world.school.id):
        return ready_order(factory, world.customer_user, "Axes livrés", quantity="10")


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_partial_then_a_final_delivery(app, client, world, order):
    line = order.lines[0]
    login_as(client, world.admin)
    page = client.get(f"/requests/{order.id}/deliveries/new")
    assert page.status_code == 200
    first = post(client, f"/requests/{order.id}/deliveries/new", {f"q{line.id}": "4"})
    assert first.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(order), order.id).state is OrderState.PARTIALLY_DELIVERED
    note = db.session.scalars(sa.select(DeliveryNote)).one()
    assert note.number == f"BL-{local_today().year}-0001"
    assert [(ln.quantity, ln.remaining) for ln in note.lines] == [(Decimal("4"), Decimal("6"))]
    response = client.get(f"/deliveries/{note.id}/pdf")
    text = pdf_text(response.data)
    response.close()
    for expected in (
        "BON DE LIVRAISON",
        note.number,
        "Axe Ø20",
        "RÉSERVES",
        "SIGNATURE",
        "Mécanique Zéphyr",
        "Reste à livrer",
    ):
        assert expected in text, expected
    second = post(client, f"/requests/{order.id}/deliveries/new", {f"q{line.id}": "6"})
    assert second.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(order), order.id).state is OrderState.DELIVERED
    numbers = db.session.scalars(sa.select(DeliveryNote.number).order_by(DeliveryNote.id)).all()
    assert numbers[1].endswith("0002")
    # Nothing left: the page says so and refuses.
    refused = post(client, f"/requests/{order.id}/deliveries/new", {f"q{line.id}": "1"})
    assert refused.status_code == 302  # the order is delivered: back to its page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeliveryNote)) == 2


def test_more_than_remains_is_refused_beside_the_line_and_nothing_is_numbered(app, client, world, order):
    line = order.lines[0]
    login_as(client, world.admin)
    response = post(client, f"/requests/{order.id}/deliveries/new", {f"q{line.id}": "11"})
    assert response.status_code == 400
    assert "au plus 10" in response.get_data(as_text=True)
    nothing = post(client, f"/requests/{order.id}/deliveries/new", {f"q{line.id}": "0"})
    assert nothing.status_code == 400
    negative = post(client, f"/requests/{order.id}/deliveries/new", {f"q{line.id}": "-1"})
    assert negative.status_code == 400 and 'aria-invalid="true"' in negative.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeliveryNote)) == 0
    # The failed attempts drew no number: the first note is still 0001.
    with scoped_to(db.session, world.school.id):
        note = services.issue(order, {line.id: Decimal("2")}, world.admin)
        db.session.commit()
    assert note.number.endswith("-0001")


def test_the_customer_records_the_reception_with_reservations(app, client, world, order):
    with scoped_to(db.session, world.school.id):
        note = services.issue(order, {order.lines[0].id: Decimal("10")}, world.admin)
        db.session.commit()
    login_as(client, world.customer_user)
    page = client.get(f"/deliveries/{note.id}").get_data(as_text=True)
    assert "Confirmer la réception" in page
    future = (local_today() + timedelta(days=2)).isoformat()
    bad = post(
        client,
        f"/deliveries/{note.id}/reception",
        {"reception-name": "Julie", "reception-received_on": future},
    )
    assert bad.status_code == 400
    ok = post(
        client,
        f"/deliveries/{note.id}/reception",
        {
            "reception-name": "Julie Martin",
            "reception-received_on": local_today().isoformat(),
            "reception-reservations": "Un axe rayé",
        },
    )
    assert ok.status_code == 302
    db.session.expire_all()
    note = db.session.get(DeliveryNote, note.id)
    assert (note.received_name, note.reservations, note.received_by_id) == (
        "Julie Martin",
        "Un axe rayé",
        world.customer_user.id,
    )
    again = post(
        client,
        f"/deliveries/{note.id}/reception",
        {"reception-name": "Autre", "reception-received_on": local_today().isoformat()},
    )
    assert again.status_code == 400
    # Another company's buyer does not even see it.
    login_as(client, world.rival_user)
    assert client.get(f"/deliveries/{note.id}").status_code == 404


def test_the_school_files_the_signed_paper(app, client, world, order):
    with scoped_to(db.session, world.school.id):
        note = services.issue(order, {order.lines[0].id: Decimal("10")}, world.admin)
        db.session.commit()
    login_as(client, world.admin)
    not_a_scan = post(
        client,
        f"/deliveries/{note.id}/scan",
        {
            "scan-scan": (io.BytesIO(b"MZ executable"), "bl.pdf"),
            "scan-received_on": local_today().isoformat(),
        },
    )
    assert not_a_scan.status_code == 400
    filed = post(
        client,
        f"/deliveries/{note.id}/scan",
        {"scan-scan": (io.BytesIO(PDF_BYTES), "bl-signe.pdf"), "scan-received_on": local_today().isoformat()},
    )
    assert filed.status_code == 302
    db.session.expire_all()
    assert db.session.get(DeliveryNote, note.id).received
    login_as(client, world.customer_user)
    scan = client.get(f"/deliveries/{note.id}/scan")
    scan.close()
    assert scan.status_code == 200


def test_the_order_page_shows_delivered_and_remaining(app, client, world, order):
    with scoped_to(db.session, world.school.id):
        services.issue(order, {order.lines[0].id: Decimal("3")}, world.admin)
        db.session.commit()
    login_as(client, world.customer_user)
    page = client.get(f"/requests/{order.id}").get_data(as_text=True)
    assert "Livraisons" in page and "BL-" in page
    assert ">3<" in page and ">7<" in page


def test_part_leaves_while_the_rest_is_being_made(workday, app, client, factory, world):
    """An order in production ships what is finished; work goes on, time is logged on the rest."""
    from ecoprod.planning import services as planning
    from tests.factories import plan_world

    plan = plan_world(factory, world)
    with scoped_to(db.session, world.school.id):
        planning.log_time(plan.operation, world.student, local_today(), Decimal("2"), world.master)
        db.session.commit()
    order = plan.order
    assert order.state is OrderState.IN_PRODUCTION
    login_as(client, world.admin)
    line = order.lines[0]
    sent = post(client, f"/requests/{order.id}/deliveries/new", {f"q{line.id}": "3"})
    assert sent.status_code == 302
    db.session.expire_all()
    order = db.session.get(type(order), order.id)
    assert order.state is OrderState.PARTIALLY_DELIVERED
    with scoped_to(db.session, world.school.id):
        planning.log_time(plan.operation, world.student, local_today(), Decimal("1.5"), world.master)
        db.session.commit()
    assert sum(t.hours for t in plan.operation.time_logs) == Decimal("3.5")
    assert order.state is OrderState.PARTIALLY_DELIVERED  # until the rest leaves


def test_a_customer_lists_its_own_delivery_notes_and_those_to_confirm(app, client, world, order):
    with scoped_to(db.session, world.school.id):
        first = services.issue(order, {order.lines[0].id: Decimal("4")}, world.admin)
        second = services.issue(order, {order.lines[0].id: Decimal("6")}, world.admin)
        db.session.commit()
    login_as(client, world.customer_user)
    page = client.get("/requests").get_data(as_text=True)
    assert 'href="/deliveries">Livraisons</a>' in page  # in the customer's menu
    post(
        client,
        f"/deliveries/{first.id}/reception",
        {"reception-name": "Julie Martin", "reception-received_on": local_today().isoformat()},
    ).close()
    page = client.get("/deliveries").get_data(as_text=True)
    assert first.number in page and second.number in page and f"/deliveries/{second.id}/pdf" in page
    assert world.company.name not in page  # no customer column: it is the company's own list
    pending = client.get("/deliveries?pending=1").get_data(as_text=True)
    assert second.number in pending and first.number not in pending and "À confirmer" in pending
    login_as(client, world.rival_user)  # another company of the school sees none of them
    page = client.get("/deliveries").get_data(as_text=True)
    assert (
        first.number not in page
        and second.number not in page
        and "Aucun bon de livraison pour l’instant" in page
    )
