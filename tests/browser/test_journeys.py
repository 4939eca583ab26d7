"""The journeys of this slice, in a real browser (Chromium through Playwright)."""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from ecoprod.extensions import db
from ecoprod.orders.models import Order, OrderState
from tests.factories import PASSWORD, PDF_BYTES


def test_customer_submits_a_request_master_sees_it_rival_does_not(world, visit, tmp_path):
    drawing = tmp_path / "plan-axe.pdf"
    drawing.write_bytes(PDF_BYTES)

    customer = visit("customer")
    customer.sign_in(world.customer_user.email, PASSWORD)
    page = customer.page
    expect(page.get_by_role("heading", name="Mes demandes")).to_be_visible()
    customer.check_page("requests")

    page.get_by_role("link", name="Nouvelle demande").first.click()
    expect(page.get_by_role("heading", name="Nouvelle demande")).to_be_visible()
    customer.check_page("new-request")
    page.get_by_label("Titre").fill("Supports de capteurs")
    page.get_by_label("Référence de votre bon de commande").fill("PO-7781")
    line1 = page.locator("[data-line]").nth(0)
    line1.get_by_label("Pièce ou travail demandé").fill("Support usiné selon plan")
    line1.get_by_label("Matière").fill("Aluminium 2017")
    line1.get_by_label("Quantité").fill("24")
    line1.get_by_label("Métier").select_option(label="Usinage")
    # The second line is added in place by the page's script, without a reload.
    page.get_by_role("button", name="Ajouter une ligne").click()
    line2 = page.locator("[data-line]").nth(1)
    expect(line2.get_by_text("Ligne 2")).to_be_visible()
    line2.get_by_label("Pièce ou travail demandé").fill("Rampe d'accès soudée")
    line2.get_by_label("Quantité").fill("1,5")
    line2.get_by_label("Unité").select_option(label="m")
    line2.get_by_label("Métier").select_option(label="Métallerie")
    page.get_by_label("Fichiers à joindre").set_input_files(str(drawing))
    page.get_by_role("button", name="Envoyer la demande à l’école").click()

    expect(page.get_by_text(re.compile(r"Votre demande DDE-\d{4}-\d{4} a été envoyée"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Supports de capteurs"))).to_be_visible()
    expect(page.locator(".badge").first).to_have_text("Envoyée")
    timeline = page.locator(".timeline")
    expect(timeline.locator("li")).to_have_count(2)
    expect(timeline).to_contain_text("Créée")
    expect(timeline).to_contain_text("Envoyée")
    expect(page.get_by_role("link", name="plan-axe.pdf")).to_be_visible()
    expect(page.locator("table")).to_contain_text("1,5 m")
    customer.check_page("request-detail")

    order = db.session.scalars(sa.select(Order).where(Order.title == "Supports de capteurs")).one()
    assert order.state is OrderState.SUBMITTED
    assert len(order.lines) == 2
    assert order.attachments[0].original_name == "plan-axe.pdf"

    page.get_by_role("link", name="Mes demandes").click()
    row = page.get_by_role("row", name=re.compile("Supports de capteurs"))
    expect(row).to_contain_text(order.number)
    expect(row).to_contain_text("Envoyée")

    master = visit("master")
    master.sign_in(world.master.email, PASSWORD)
    expect(master.page.get_by_role("heading", name="À traiter")).to_be_visible()
    card = master.page.locator(".order-card", has_text="Supports de capteurs")
    expect(card).to_contain_text("Mécanique Zéphyr")
    expect(card).to_contain_text("Usinage")
    master.check_page("inbox")
    card.get_by_role("link").click()
    expect(master.page.get_by_role("link", name="plan-axe.pdf")).to_be_visible()
    drawing = master.page.locator(".attachments li", has_text="plan-axe.pdf")  # its name opens the viewer
    with master.page.expect_download() as download:
        drawing.get_by_role("link", name="Télécharger").click()
    assert download.value.suggested_filename == "plan-axe.pdf"

    rival = visit("rival")
    rival.sign_in(world.rival_user.email, PASSWORD)
    expect(rival.page.get_by_role("heading", name="Mes demandes")).to_be_visible()
    expect(rival.page.get_by_text("Supports de capteurs")).to_have_count(0)
    response = rival.page.goto(f"/requests/{order.id}")
    assert response.status == 404
    expect(rival.page.get_by_text("Supports de capteurs")).to_have_count(0)


def test_master_declines_and_the_customer_reads_why(world, visit):
    master = visit("master")
    master.sign_in(world.master.email, PASSWORD)
    master.page.goto(f"/requests/{world.submitted.id}")
    master.check_page("request-for-master")
    master.page.get_by_label("Motif communiqué au client").fill(
        "Le tour CN est en maintenance jusqu'en mars."
    )
    master.page.get_by_role("button", name="Refuser").click()
    expect(master.page.get_by_text("La demande a été refusée")).to_be_visible()

    customer = visit("customer")
    customer.sign_in(world.customer_user.email, PASSWORD)
    customer.page.goto(f"/requests/{world.submitted.id}")
    expect(customer.page.locator(".badge").first).to_have_text("Refusée")
    expect(customer.page.locator(".timeline")).to_contain_text("Le tour CN est en maintenance jusqu'en mars.")
    expect(customer.page.locator(".timeline")).to_contain_text("Marc Usineur")


def test_form_errors_are_shown_beside_the_fields_and_nothing_is_saved(world, visit):
    customer = visit("customer")
    customer.sign_in(world.customer_user.email, PASSWORD)
    page = customer.page
    page.goto("/requests/new")
    page.locator("[data-line]").nth(0).get_by_label("Quantité").fill("-2")
    page.get_by_role("button", name="Envoyer la demande à l’école").click()
    expect(page.locator("#title-error")).to_have_text("Ce champ est obligatoire.")
    expect(page.locator("#lines-0-quantity-error")).to_contain_text("Indiquez une quantité supérieure à zéro")
    expect(page.get_by_label("Titre")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".form-summary")).to_be_focused()
    customer.check_page("form-errors")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 5


def test_admin_pages_pass_accessibility_checks(world, visit):
    admin = visit("admin")
    admin.sign_in(world.admin.email, PASSWORD)
    for label, url in [
        ("customers", "/admin/customers/"),
        ("customer", f"/admin/customers/{world.company.id}"),
        ("customer-form", "/admin/customers/new"),
        ("workshop", f"/admin/workshops/{world.machining.id}"),
        ("students", "/admin/students/"),
        ("users", "/admin/users"),
        ("settings", "/admin/school"),
        ("vat-rates", "/admin/vat-rates"),
        ("quotes", "/quotes"),
        ("inbox", "/inbox"),
        ("account", "/account"),
    ]:
        admin.page.goto(url)
        admin.check_page(label)


def test_pages_fit_a_phone(world, visit):
    customer = visit("phone")
    customer.page.set_viewport_size({"width": 390, "height": 844})
    customer.sign_in(world.customer_user.email, PASSWORD)
    for url in ("/requests", "/requests/new", f"/requests/{world.submitted.id}"):
        customer.page.goto(url)
        overflow = customer.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px on a phone"
    customer.check_page("phone-detail")


def test_lists_filter_as_one_types(world, visit):
    customer = visit("customer")
    customer.sign_in(world.customer_user.email, PASSWORD)
    page = customer.page
    expect(page.get_by_text("Plans Zéphyr")).to_be_visible()
    page.evaluate("window.__sameDocument = true")
    page.get_by_placeholder("Rechercher par titre ou référence").press_sequentially("Axes", delay=30)
    expect(page.get_by_text("Plans Zéphyr")).to_have_count(0)
    expect(page.get_by_text("Axes Zéphyr")).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True  # filtered in place, no page load
    assert "q=Axes" in page.url
    customer.check_page("live-search")
