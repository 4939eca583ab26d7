"""E-invoicing in a real browser, against the sandbox platform on loopback (the AFNOR Flow
and Directory APIs, every exchange validated both ways, each file checked with the France_RFE
schematrons): the administrator connects the school and tests it, checks a customer in the
annuaire, issues an invoice that the platform accepts; the buyer's statuses arrive through
the signed webhook over HTTP (200, 205); a payment sends 212 *Encaissée*; a second invoice is
disputed (207) and a third rejected (213), both found through the dashboard and the list's
filter; the rejected one is cancelled by an internal credit note and replaced (XP Z12-014)."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import expect

from ecoprod.customers.models import Customer
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing.models import Invoice
from tests.einvoicing.conftest import CLIENT_ID, CLIENT_SECRET, pa  # noqa: F401 - the fixture
from tests.einvoicing.test_sending import transmission
from tests.factories import PASSWORD
from tests.factories.invoicing import drafts


def reload_until_text(page, text: str, seconds: float = 30) -> None:
    """Reload until the page shows ``text``: the transmission is sent by a job after the
    response, which may end after the next page is asked for on a busy machine."""
    import time

    deadline = time.monotonic() + seconds
    while not page.get_by_text(text).count() and time.monotonic() < deadline:
        page.wait_for_timeout(250)
        page.reload()
    expect(page.get_by_text(text).first).to_be_visible()


def test_the_life_of_an_e_invoice(world, visit, live_server, pa):  # noqa: F811
    def deliver(url: str, payload: bytes, headers: dict[str, str]) -> int:
        # The platform calls the address EcoProd gave it (on BASE_URL): here, the live server.
        target = live_server + url.removeprefix("http://ecoprod.test")
        return requests.post(target, data=payload, headers=headers, timeout=10).status_code

    pa.platform.deliver = deliver
    company = db.session.get(Customer, world.company.id)
    line = pa.platform.directory.enter(company.siren, siret=company.siret)
    first, disputed_id, rejected_id = drafts(world, 3)

    # 1. The administrator connects the school to its platform and tests the connection.
    admin = visit("admin")
    admin.sign_in(world.admin.email, PASSWORD)
    page = admin.page
    page.goto("/admin/e-invoicing")
    page.locator("#flow_url").fill(pa.endpoints.flow_url)
    page.locator("#directory_url").fill(pa.endpoints.directory_url)
    page.locator("#token_url").fill(pa.endpoints.token_url)
    page.locator("#client_id").fill(CLIENT_ID)
    page.locator("#client_secret").fill(CLIENT_SECRET)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("La connexion à la plateforme a été enregistrée.")).to_be_visible()
    page.get_by_role("button", name="Tester la connexion").click()
    expect(page.get_by_text("La plateforme a répondu : la connexion fonctionne.")).to_be_visible()
    assert len(pa.platform.webhooks) == 1  # the school's webhook, subscribed by the test
    admin.check_page("connection")

    # 2. The customer's page: where it receives e-invoices, asked of the annuaire.
    page.goto(f"/admin/customers/{company.id}")
    expect(page.get_by_text("Non vérifié")).to_be_visible()
    page.get_by_role("button", name="Vérifier dans l’annuaire").click()
    expect(
        page.get_by_text(f"L’annuaire a répondu : les factures électroniques vont à {line}.")
    ).to_be_visible()
    expect(page.get_by_text(re.compile(f"Ligne d’adressage {line}"))).to_be_visible()
    admin.check_page("customer-directory")

    # 3. An invoice issued goes to the platform, which accepts it; the buyer approves it.
    page.goto(f"/invoices/{first}/edit")
    expect(page.get_by_text(re.compile(f"Ligne d’adressage {line}"))).to_be_visible()
    page.get_by_role("button", name="Émettre la facture").click()
    reload_until_text(page, "Acceptée par la plateforme")
    invoice = db.session.get(Invoice, first)
    db.session.refresh(invoice)
    assert invoice.buyer_address == line
    flow_id = transmission(invoice).flow_id
    assert pa.platform.post_status(flow_id, 200) and pa.platform.post_status(flow_id, 205)
    page.reload()
    expect(page.get_by_text("200 Déposée")).to_be_visible()
    expect(page.get_by_text("205 Approuvée")).to_be_visible()

    # 4. The payment is recorded: the school tells the platform it was cashed (212).
    page.locator("#payment-paid_on").fill(local_today().isoformat())
    page.locator("#payment-amount").fill("54,00")
    page.locator("#payment-method").select_option("transfer")
    page.get_by_role("button", name="Enregistrer le paiement").click()
    reload_until_text(page, "212 Encaissée")
    admin.check_page("invoice-cashed")

    # 5. A second invoice is disputed, a third rejected: the dashboard and the list show them.
    for draft in (disputed_id, rejected_id):
        page.goto(f"/invoices/{draft}/edit")
        page.get_by_role("button", name="Émettre la facture").click()
        reload_until_text(page, "Acceptée par la plateforme")
    disputed, rejected = db.session.get(Invoice, disputed_id), db.session.get(Invoice, rejected_id)
    db.session.refresh(disputed)
    db.session.refresh(rejected)
    pa.platform.post_status(
        transmission(disputed).flow_id, 207, reason_code="QTE", reason="Quantité livrée inférieure"
    )
    pa.platform.post_status(
        transmission(rejected).flow_id, 213, reason_code="REJ_SEMAN", reason="SIRET inconnu"
    )
    page.goto("/dashboard")
    page.get_by_role("link", name="2 documents à traiter").click()
    results = page.locator("#results")
    expect(results.get_by_role("link", name=disputed.number)).to_be_visible()
    expect(results.get_by_role("link", name=rejected.number)).to_be_visible()
    expect(results.get_by_role("link", name=invoice.number)).to_have_count(0)
    admin.check_page("invoices-to-handle")
    page.locator("#filter-einvoice").select_option("212")
    expect(results.get_by_role("link", name=invoice.number)).to_be_visible()
    expect(results.get_by_role("link", name=disputed.number)).to_have_count(0)
    results.get_by_role("link", name=invoice.number).click()
    expect(page.get_by_text("212 Encaissée")).to_be_visible()
    page.goto(f"/invoices/{rejected_id}")
    expect(page.get_by_text("Rejetée par la plateforme").first).to_be_visible()
    expect(page.locator("ol.timeline").get_by_text(re.compile("213 Rejetée"))).to_be_visible()
    expect(page.locator("p.error").get_by_text(re.compile("REJ_SEMAN · SIRET inconnu"))).to_be_visible()
    admin.check_page("invoice-rejected")

    # 6. XP Z12-014: the rejected invoice is cancelled by an internal credit note (not sent)
    # and replaced by a new invoice, which the platform accepts.
    page.get_by_role("button", name="Annuler et préparer une facture de remplacement").click()
    expect(page.get_by_text(re.compile(f"{rejected.number} est annulée par l’avoir interne"))).to_be_visible()
    page.get_by_role("button", name="Émettre la facture").click()
    reload_until_text(page, "Acceptée par la plateforme")
    replacement = page.locator("h1").inner_text()
    assert rejected.number not in replacement
    page.goto(f"/invoices/{rejected_id}")
    expect(page.get_by_text(re.compile("Annulée en comptabilité par l’avoir interne"))).to_be_visible()
    admin.check_page("invoice-cancelled")
    sent_numbers = [f.info.get("trackingId") for f in pa.platform.flows.values()]
    assert not any(n and n.startswith("AV-") for n in sent_numbers)  # the internal credit note stays home
    assert not pa.platform.refused and not pa.platform.not_found
