"""The quote builder and the quote page over HTTP."""

import re

import sqlalchemy as sa

from ecoprod import documents
from ecoprod.extensions import db
from ecoprod.orders.models import OrderState
from ecoprod.quotes.models import Quote, QuoteState
from tests.conftest import login_as, post


def builder_data(quote, **overrides):
    data = {
        "valid_until": quote.valid_until.isoformat(),
        "promised_date": "",
        "lead_time": "3 semaines",
        "conditions": "",
        "discount_percent": "0",
        "lines-0-kind": "labour",
        "lines-0-description": "Tournage",
        "lines-0-workshop_id": "0",
        "lines-0-unit": "h",
        "lines-0-quantity": "4",
        "lines-0-unit_price": "48,00",
        "lines-0-discount_percent": "",
        "lines-0-vat_rate": "20.00",
        "lines-1-kind": "material",
        "lines-1-description": "Acier",
        "lines-1-workshop_id": "0",
        "lines-1-unit": "kg",
        "lines-1-quantity": "2,5",
        "lines-1-unit_price": "3,20",
        "lines-1-discount_percent": "10",
        "lines-1-vat_rate": "5.50",
        "action": "save",
    }
    data.update(overrides)
    return data


def start(client, world):
    response = post(client, f"/requests/{world.submitted.id}/quotes")
    assert response.status_code == 302
    return db.session.scalars(sa.select(Quote).where(Quote.order_id == world.submitted.id)).one()


def test_master_builds_saves_and_sends_a_quote(world, client):
    login_as(client, world.master)
    quote = start(client, world)
    page = client.get(f"/quotes/{quote.id}/edit").get_data(as_text=True)
    assert "Axe Ø20" in page
    response = post(client, f"/quotes/{quote.id}/edit", builder_data(quote))
    assert response.status_code == 302
    db.session.refresh(quote)
    assert [line.description for line in quote.lines] == ["Tournage", "Acier"]
    assert str(quote.totals().gross) == "238.00"  # 192 + 38.40 VAT; 7.20 + 0.40 VAT
    response = post(client, f"/quotes/{quote.id}/edit", builder_data(quote, action="send"))
    assert response.status_code == 302
    db.session.refresh(quote)
    assert quote.state is QuoteState.SENT
    db.session.refresh(world.submitted)
    assert world.submitted.state is OrderState.QUOTED
    assert post(client, f"/quotes/{quote.id}/edit", builder_data(quote)).status_code == 302  # redirected away
    db.session.refresh(quote)
    assert len(quote.lines) == 2


def test_live_totals_are_computed_by_the_server(world, client):
    login_as(client, world.master)
    quote = start(client, world)
    response = post(client, f"/quotes/{quote.id}/totals", builder_data(quote))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="quote-totals"' in html
    assert "238,00" in html
    assert re.search(r'id="lines-0-net"[^>]*hx-swap-oob="true">192,00', html)
    db.session.refresh(quote)
    assert quote.lines[0].description != "Tournage"  # nothing saved


def test_builder_errors_are_shown_beside_the_fields_and_nothing_is_saved(world, client):
    login_as(client, world.master)
    quote = start(client, world)
    before = [(line.description, line.quantity) for line in quote.lines]
    response = post(
        client,
        f"/quotes/{quote.id}/edit",
        builder_data(quote, **{"lines-0-quantity": "-1", "lines-1-vat_rate": "99.00"}),
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="lines-0-quantity-error"' in html
    assert 'id="lines-1-vat_rate-error"' in html
    db.session.refresh(quote)
    assert [(line.description, line.quantity) for line in quote.lines] == before


def test_customer_accepts_online_and_the_app_records_who_and_from_where(world, app):
    master = login_as(app.test_client(), world.master)
    quote = start(master, world)
    post(
        master, f"/quotes/{quote.id}/edit", builder_data(quote, action="send"), follow_redirects=True
    )  # rendered after the response
    customer = login_as(app.test_client(), world.customer_user)
    page = customer.get(f"/quotes/{quote.id}").get_data(as_text=True)
    assert "Accepter le devis" in page
    with customer.get(f"/quotes/{quote.id}/pdf") as pdf:
        assert pdf.status_code == 200
        assert pdf.mimetype == "application/pdf"
        import hashlib

        db.session.refresh(quote)
        assert hashlib.sha256(pdf.get_data()).hexdigest() == quote.pdf_sha256
    response = post(customer, f"/quotes/{quote.id}/accept", {"full_name": "Claire Cliente"})
    db.session.refresh(quote)
    assert quote.state is QuoteState.SENT  # the box was not ticked
    response = post(
        customer,
        f"/quotes/{quote.id}/accept",
        {"full_name": "Claire Cliente", "agree": "y"},
        headers={"User-Agent": "Navigateur de test"},
        environ_base={"REMOTE_ADDR": "198.51.100.4"},
    )
    assert response.status_code == 302
    db.session.refresh(quote)
    assert quote.state is QuoteState.ACCEPTED
    assert (quote.accepted_ip, quote.accepted_user_agent) == ("198.51.100.4", "Navigateur de test")
    assert (
        post(customer, f"/quotes/{quote.id}/accept", {"full_name": "Claire", "agree": "y"}).status_code == 403
    )


def test_serving_a_stored_pdf_gives_the_same_bytes_each_time(world, app):
    master = login_as(app.test_client(), world.master)
    quote = start(master, world)
    post(
        master, f"/quotes/{quote.id}/edit", builder_data(quote, action="send"), follow_redirects=True
    )  # rendered after the response
    with master.get(f"/quotes/{quote.id}/pdf") as first, master.get(f"/quotes/{quote.id}/pdf") as second:
        assert first.get_data() == second.get_data()
        assert first.headers["ETag"]
    db.session.refresh(quote)
    assert documents.read(quote.school_id, quote.pdf_sha256) == first.get_data()


def test_the_order_page_shows_the_quote_history(world, app):
    master = login_as(app.test_client(), world.master)
    quote = start(master, world)
    post(
        master, f"/quotes/{quote.id}/edit", builder_data(quote, action="send"), follow_redirects=True
    )  # rendered after the response
    customer = login_as(app.test_client(), world.customer_user)
    post(customer, f"/quotes/{quote.id}/refuse", {"reason": "Trop cher"})
    post(master, f"/quotes/{quote.id}/revise")
    revision = db.session.scalars(sa.select(Quote).where(Quote.version == 2)).one()
    post(master, f"/quotes/{revision.id}/edit", builder_data(revision, action="send"), follow_redirects=True)
    page = customer.get(f"/requests/{world.submitted.id}").get_data(as_text=True)
    db.session.refresh(quote)
    assert f"{quote.number}-v2" in page
    assert "Remplacé" in page
