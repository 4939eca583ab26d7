"""Quotes in a real browser: built and sent by a master, accepted and refused by the customer."""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from ecoprod.extensions import db
from ecoprod.orders.models import Order, OrderState
from ecoprod.quotes.models import Quote, QuoteState
from tests.browser.conftest import reload_until_link
from tests.factories import PASSWORD


def fill_line(line, kind, description, unit, quantity, price, vat="20 %", discount=None):
    line.get_by_label("Type").select_option(label=kind)
    line.get_by_label("Description").fill(description)
    line.get_by_label("Unité").select_option(label=unit)
    line.get_by_label("Quantité").fill(quantity)
    line.get_by_label("Prix unitaire HT (€)").fill(price)
    if discount:
        line.get_by_label("Remise %").fill(discount)
    line.get_by_label("TVA").select_option(label=vat)


def build_and_send(master, order_id, lines):
    page = master.page
    page.goto(f"/requests/{order_id}")
    page.get_by_role("button", name="Préparer un devis").click()
    expect(page.get_by_role("button", name="Envoyer le devis au client")).to_be_visible()
    page.wait_for_load_state()  # htmx and app.js bind their listeners once the page has loaded
    for index, values in enumerate(lines):
        if index > 0:
            page.get_by_role("button", name="Ajouter une ligne").click()
        fill_line(page.locator("[data-line]").nth(index), *values)
    return page


def test_master_sends_a_three_line_quote_customer_accepts_a_second_is_refused(world, visit):
    master = visit("master")
    master.sign_in(world.master.email, PASSWORD)
    page = build_and_send(
        master,
        world.submitted.id,
        [
            ("Main-d’œuvre", "Tournage des axes", "h", "6", "48"),
            ("Matière", "Barre C45 Ø25", "m", "12,5", "8,40", "20 %", "5"),
            ("Autre", "Transport", "forfait", "1", "35", "10 %"),
        ],
    )
    page.get_by_label("Date de livraison promise").fill("2027-03-15")
    totals = page.locator("#quote-totals")
    # the totals follow the typing (htmx), computed by the server
    expect(totals).to_contain_text("422,75")
    expect(totals).to_contain_text("503,80")
    expect(page.locator("#lines-1-net")).to_have_text(re.compile(r"99,75"))
    master.check_page("quote-builder")
    page.get_by_role("button", name="Envoyer le devis au client").click()
    expect(page.get_by_text(re.compile(r"Devis DEV-\d{4}-0001 envoyé"))).to_be_visible()
    # the PDF is rendered after the response: the page offers it once ready
    reload_until_link(page, "Ouvrir le PDF")
    expect(page.get_by_role("link", name="Ouvrir le PDF")).to_be_visible()
    master.check_page("quote-sent")

    customer = visit("customer")
    customer.sign_in(world.customer_user.email, PASSWORD)
    cpage = customer.page
    cpage.get_by_role("link", name="Devis").click()
    cpage.get_by_role("link", name=re.compile(r"DEV-\d{4}-0001")).click()
    expect(cpage.get_by_role("heading", name="Accepter ce devis")).to_be_visible()
    expect(cpage.locator("table")).to_contain_text("Tournage des axes")
    customer.check_page("quote-to-answer")
    with cpage.expect_popup() if False else cpage.expect_response(re.compile(r"/pdf$")) as pdf:
        cpage.evaluate(
            "url => fetch(url)", cpage.get_by_role("link", name="Ouvrir le PDF").get_attribute("href")
        )
    assert pdf.value.status == 200
    cpage.get_by_label("Vos nom et prénom").fill("Claire Cliente")
    cpage.get_by_label(re.compile("Bon pour accord")).check()
    cpage.get_by_role("button", name="Accepter le devis").click()
    expect(cpage.get_by_text(re.compile("est accepté et votre commande est confirmée"))).to_be_visible()
    expect(cpage.locator("h1 .badge")).to_have_text("Accepté")
    cpage.get_by_role("link", name=world.submitted.number).click()
    expect(cpage.locator("h1 .badge")).to_have_text("Acceptée")
    expect(cpage.locator("#quotes")).to_contain_text("15 mars 2027")

    order = db.session.scalars(sa.select(Order).where(Order.id == world.submitted.id)).one()
    db.session.refresh(order)
    assert order.state is OrderState.ACCEPTED
    assert order.promised_date.isoformat() == "2027-03-15"

    # A second request gets a quote that the customer refuses, with a reason.
    page = build_and_send(
        master,
        world.submitted_with_drawing.id,
        [
            ("Main-d’œuvre", "Relevé de cotes", "h", "2", "48"),
        ],
    )
    page.get_by_role("button", name="Envoyer le devis au client").click()
    expect(page.get_by_text(re.compile(r"Devis DEV-\d{4}-0002 envoyé"))).to_be_visible()
    second = db.session.scalars(
        sa.select(Quote).where(Quote.order_id == world.submitted_with_drawing.id)
    ).one()
    for _ in range(120):  # rendered after the response: up to 30 s on a busy machine
        db.session.refresh(second)
        if second.pdf_sha256:
            break
        page.wait_for_timeout(250)
    cpage.goto(f"/quotes/{second.id}")
    cpage.get_by_label("Pourquoi refusez-vous ce devis").fill("Délai trop long pour notre chantier.")
    cpage.get_by_role("button", name="Refuser le devis").click()
    expect(cpage.get_by_text("Votre réponse a été transmise à l’école.")).to_be_visible()
    expect(cpage.locator("h1 .badge")).to_have_text("Refusé")
    expect(cpage.get_by_text("Délai trop long pour notre chantier.")).to_be_visible()
    db.session.refresh(second)
    assert second.state is QuoteState.DECLINED

    page.goto(f"/quotes/{second.id}")
    expect(page.get_by_role("button", name="Réviser (nouvelle version)")).to_be_visible()
    master.check_page("quote-refused")


def test_choosing_a_workshop_prices_a_labour_line_at_its_rate(world, visit):
    master = visit("master")
    master.sign_in(world.master.email, PASSWORD)
    page = master.page
    page.goto(f"/requests/{world.submitted.id}")
    page.get_by_role("button", name="Préparer un devis").click()
    expect(page.get_by_role("button", name="Envoyer le devis au client")).to_be_visible()
    page.wait_for_load_state()  # app.js listens from DOMContentLoaded on: a busy machine is slower
    line = page.locator("[data-line]").nth(0)
    line.get_by_label("Prix unitaire HT (€)").fill("1")
    line.get_by_label("Atelier").select_option(label="Métallerie Alpha")
    expect(line.get_by_label("Prix unitaire HT (€)")).to_have_value("45,00")
    expect(page.locator("#quote-totals")).to_contain_text("45,00")
