"""The order request form over HTTP: the happy path, errors beside fields, nothing half-saved."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.orders.models import Attachment, Order, OrderLine, OrderState
from tests.conftest import login_as, post
from tests.factories import PDF_BYTES


def form_data(**overrides):
    data = {
        "title": "Axes pour convoyeur",
        "customer_reference": "BC-42",
        "desired_date": (local_today() + timedelta(days=30)).isoformat(),
        "notes": "",
        "delivery_address-line1": "3 rue du Quai",
        "delivery_address-line2": "",
        "delivery_address-postal_code": "69002",
        "delivery_address-city": "Lyon",
        "delivery_address-country": "FR",
        "lines-0-description": "Axe Ø20 longueur 250",
        "lines-0-material": "C45",
        "lines-0-quantity": "40",
        "lines-0-unit": "piece",
        "lines-0-trade": "usinage",
        "lines-0-notes": "",
        "lines-1-description": "Rampe soudée",
        "lines-1-material": "S235",
        "lines-1-quantity": "2,5",
        "lines-1-unit": "m",
        "lines-1-trade": "metallerie",
        "lines-1-notes": "",
        "action": "submit",
    }
    data.update(overrides)
    return data


def counts():
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Order, OrderLine, Attachment)
    )


def stored_files(app):
    return sorted(p for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if p.is_file())


@pytest.fixture
def customer(world, client):
    return login_as(client, world.customer_user)


def test_customer_submits_a_request_with_two_lines_and_a_drawing(customer, world, app):
    response = post(customer, "/requests/new", form_data(drawings=(io.BytesIO(PDF_BYTES), "plan.pdf")))
    assert response.status_code == 302, re.findall(
        r'class="error"[^>]*>([^<]*)', response.get_data(as_text=True)
    )
    order = db.session.scalars(sa.select(Order).where(Order.title == "Axes pour convoyeur")).one()
    assert order.state is OrderState.SUBMITTED and order.number
    assert [line.description for line in order.lines] == ["Axe Ø20 longueur 250", "Rampe soudée"]
    assert str(order.lines[1].quantity) == "2.500"
    assert order.attachments[0].original_name == "plan.pdf"
    page = customer.get(response.headers["Location"]).get_data(as_text=True)
    assert order.number in page and "plan.pdf" in page


def test_save_as_draft_keeps_it_private_and_editable(customer, world):
    response = post(customer, "/requests/new", form_data(action="save"))
    order = db.session.scalars(sa.select(Order).where(Order.title == "Axes pour convoyeur")).one()
    assert order.state is OrderState.DRAFT and order.number is None
    assert customer.get(f"/requests/{order.id}/edit").status_code == 200
    response = post(customer, f"/requests/{order.id}/edit", form_data(title="Axes modifiés", action="save"))
    assert response.status_code == 302
    db.session.refresh(order)
    assert order.title == "Axes modifiés"


def test_add_line_without_javascript_adds_an_empty_line_and_saves_nothing(customer):
    before = counts()
    response = post(customer, "/requests/new", form_data(action="add_line"))
    assert response.status_code == 200
    assert 'name="lines-2-description"' in response.get_data(as_text=True)
    assert counts() == before


def test_blank_lines_are_ignored(customer):
    response = post(
        customer,
        "/requests/new",
        form_data(
            **{
                "lines-1-description": "",
                "lines-1-material": "",
                "lines-1-quantity": "",
            }
        ),
    )
    assert response.status_code == 302
    order = db.session.scalars(sa.select(Order).where(Order.title == "Axes pour convoyeur")).one()
    assert len(order.lines) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Ce champ est obligatoire."),
        ("lines-0-quantity", "-3", "Indiquez une quantité supérieure à zéro"),
        ("lines-0-quantity", "beaucoup", "Nombre décimal invalide."),
        ("lines-0-description", "", "Décrivez la pièce ou le travail."),
        ("lines-0-trade", "astrologie", "Choix invalide."),
        ("desired_date", "31/02/2027", "Date invalide."),
        ("delivery_address-city", "", "Indiquez la rue, le code postal et la ville, ou rien du tout."),
    ],
)
def test_invalid_fields_are_reported_beside_the_field_and_nothing_is_saved(
    customer, app, field, value, message
):
    before, files = counts(), stored_files(app)
    response = post(
        customer, "/requests/new", form_data(**{field: value}, drawings=(io.BytesIO(PDF_BYTES), "plan.pdf"))
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    field_id = field
    assert f'id="{field_id}-error"' in html, f"no error beside {field}"
    assert message in html
    assert (
        f'aria-describedby="{field_id}-error"' in html
        or f'aria-describedby="{field_id}-help {field_id}-error"' in html
    )
    assert counts() == before
    assert stored_files(app) == files


def test_a_date_in_the_past_is_refused_on_submit(customer):
    before = counts()
    response = post(
        customer, "/requests/new", form_data(desired_date=(local_today() - timedelta(days=2)).isoformat())
    )
    assert response.status_code == 400
    assert "La date de livraison souhaitée est déjà passée." in response.get_data(as_text=True)
    assert counts() == before


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ((io.BytesIO(b"MZ\x90\x00evil"), "plan.pdf"), "n’est pas d’un type de fichier accepté"),
        ((io.BytesIO(PDF_BYTES + b"0" * (300 * 1024)), "big.pdf"), "est trop volumineux"),
        ((io.BytesIO(PDF_BYTES), "../../../etc/cron.d/x.pdf"), "n’est pas autorisé"),
        ((io.BytesIO(PDF_BYTES), "plan.exe"), "son nom indique autre chose"),
    ],
)
def test_refused_uploads_say_why_and_store_nothing(customer, app, upload, message):
    before, files = counts(), stored_files(app)
    response = post(
        customer, "/requests/new", form_data(drawings=[(io.BytesIO(PDF_BYTES), "good.pdf"), upload])
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="drawings-error"' in html and message in html
    assert counts() == before
    assert stored_files(app) == files


def test_a_request_larger_than_the_site_accepts_gets_a_clear_413(customer, app):
    app.config["MAX_CONTENT_LENGTH"] = 100 * 1024
    try:
        before = counts()
        response = post(
            customer,
            "/requests/new",
            form_data(drawings=(io.BytesIO(b"%PDF-" + b"0" * (150 * 1024)), "huge.pdf")),
        )
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 64 * 1024 * 1024
    assert response.status_code == 413
    assert "dépasse la taille acceptée par le site" in response.get_data(as_text=True)
    assert counts() == before


def test_drawings_download_as_attachments_with_their_type(world, client):
    login_as(client, world.master)
    order = world.submitted_with_drawing
    attachment = order.attachments[0]
    with client.get(f"/requests/{order.id}/drawings/{attachment.id}") as response:
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.mimetype == "application/pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.get_data() == PDF_BYTES


def test_a_drawing_cannot_be_fetched_through_another_order(world, client):
    login_as(client, world.rival_user)
    attachment = world.submitted_with_drawing.attachments[0]
    response = client.get(f"/requests/{world.rival_order.id}/drawings/{attachment.id}")
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["sNaN", "NaN", "Infinity", "-Infinity", "1e999999"])
def test_non_finite_numbers_are_refused_beside_the_field(customer, value):
    before = counts()
    response = post(customer, "/requests/new", form_data(**{"lines-0-quantity": value}))
    assert response.status_code == 400
    assert 'id="lines-0-quantity-error"' in response.get_data(as_text=True)
    assert counts() == before


def test_adding_a_line_beyond_the_maximum_is_ignored(customer):
    data = form_data(action="add_line")
    for i in range(2, 50):
        data[f"lines-{i}-description"] = f"Pièce {i}"
    response = post(customer, "/requests/new", data)
    assert response.status_code == 200
    assert 'name="lines-50-description"' not in response.get_data(as_text=True)


def test_a_request_cancelled_before_being_sent_stays_private(world, client):
    from ecoprod.orders import services as order_services

    order_services.cancel(world.draft, world.customer_user, "Finalement non")
    db.session.commit()
    login_as(client, world.admin)
    assert client.get(f"/requests/{world.draft.id}").status_code == 404
    attachment = world.draft.attachments[0]
    assert client.get(f"/requests/{world.draft.id}/drawings/{attachment.id}").status_code == 404
