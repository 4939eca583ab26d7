"""From the customer's request to the paid invoice, in a real browser: the quote is accepted,
a deposit invoiced, the operations done, the goods delivered in two notes, the final invoice
issued with the deposit deducted, paid in two goes, then corrected by a credit note; every
page the customer and the administrator see on the way is checked."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from playwright.sync_api import expect

from ecoprod.delivery.models import DeliveryNote
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing.models import Invoice, InvoiceKind, InvoiceState
from ecoprod.orders.models import Order, OrderState
from ecoprod.planning import services as planning
from ecoprod.planning.models import Operation, OperationKind
from ecoprod.tenancy import scoped_to
from tests.browser.conftest import reload_until_link
from tests.browser.test_quote_journey import build_and_send
from tests.factories import PASSWORD

YEAR = local_today().year


def money(value: Decimal) -> str:
    """An amount as the French pages print it (thin no-break space before the thousands)."""
    return f"{value:.2f}".replace(".", ",")


def order_of(world) -> Order:
    db.session.expire_all()
    return db.session.get(Order, world.submitted.id)


def invoices(kind: InvoiceKind) -> list[Invoice]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Invoice).where(Invoice.kind == kind).order_by(Invoice.id)))


def test_from_request_to_paid_invoice_and_credit_note(world, visit):
    world.company.email = "compta@zephyr.example.com"
    db.session.commit()
    order_id = world.submitted.id

    # 1. The master quotes the customer's request; the customer accepts it online.
    master = visit("master")
    master.sign_in(world.master.email, PASSWORD)
    page = build_and_send(
        master,
        order_id,
        [
            ("Main-d’œuvre", "Tournage des axes", "h", "6", "48"),
            ("Matière", "Barre C45 Ø25", "m", "10", "8,40"),
        ],
    )
    promised = local_today() + timedelta(days=60)
    page.get_by_label("Date de livraison promise").fill(promised.isoformat())
    page.get_by_role("button", name="Envoyer le devis au client").click()
    expect(page.get_by_text(re.compile(rf"Devis DEV-{YEAR}-0001 envoyé"))).to_be_visible()
    reload_until_link(page, "Ouvrir le PDF")
    customer = visit("customer")
    customer.sign_in(world.customer_user.email, PASSWORD)
    cpage = customer.page
    cpage.goto("/quotes")
    cpage.get_by_role("link", name=f"DEV-{YEAR}-0001").click()
    cpage.get_by_label("Vos nom et prénom").fill("Claire Cliente")
    cpage.get_by_label(re.compile("Bon pour accord")).check()
    cpage.get_by_role("button", name="Accepter le devis").click()
    expect(cpage.get_by_text(re.compile("est accepté et votre commande est confirmée"))).to_be_visible()
    assert order_of(world).state is OrderState.ACCEPTED

    # 2. The administrator invoices a 30 % deposit on acceptance; the customer pays it.
    admin = visit("admin")
    admin.sign_in(world.admin.email, PASSWORD)
    apage = admin.page
    apage.goto(f"/requests/{order_id}")
    expect(apage.locator("#deposit-percent")).to_have_value("30,00")
    apage.get_by_role("button", name="Préparer une facture d’acompte").click()
    admin.check_page("deposit-draft")
    apage.get_by_role("button", name="Émettre la facture").click()
    expect(apage.locator("h1")).to_contain_text(f"FA-{YEAR}-0001")
    [deposit] = invoices(InvoiceKind.DEPOSIT)
    assert deposit.total_gross == Decimal("133.92")  # 30 % of 446.40 incl. VAT
    apage.locator("#payment-amount").fill("133,92")
    apage.locator("#payment-method").select_option("transfer")
    apage.get_by_role("button", name="Enregistrer le paiement").click()
    expect(apage.locator("h1 .badge").first).to_have_text("Payée")

    # 3. The work is done: operations split and planned elsewhere (planning journey); here the
    #    master records them done and the final inspection passed, on the operation pages.
    with scoped_to(db.session, world.school.id):
        order = order_of(world)
        for kind, name in ((OperationKind.MACHINE, "Tournage"), (OperationKind.INSPECT, "Contrôle final")):
            planning.add_operation(
                order, planning.OperationInput(world.machining.id, kind, name, Decimal("3.5"))
            )
        db.session.commit()
    for operation in db.session.scalars(sa.select(Operation).order_by(Operation.position)).all():
        page.goto(f"/operations/{operation.id}")
        page.locator("#progress-status").select_option("done")
        if operation.kind is OperationKind.INSPECT:
            page.locator("#progress-quality").select_option("passed")
        page.get_by_role("button", name="Enregistrer l’avancement").click()
        expect(page.locator(".flash-success")).to_be_visible()
    assert order_of(world).state is OrderState.READY

    # 4. Two deliveries: 4 axes, then the 6 left; the customer signs the first online.
    line = order_of(world).lines[0]
    assert line.quantity == Decimal("10")
    for number, quantity in ((1, "4"), (2, "6")):
        apage.goto(f"/requests/{order_id}")
        apage.get_by_role("link", name="Livrer", exact=True).click()
        if number == 1:
            admin.check_page("delivery-new")
        apage.locator(f"#q{line.id}").fill(quantity)
        apage.get_by_role("button", name="Émettre le bon de livraison").click()
        expect(apage.locator("h1")).to_contain_text(f"BL-{YEAR}-000{number}")
        if number == 1:
            assert order_of(world).state is OrderState.PARTIALLY_DELIVERED
            apage.goto(f"/requests/{order_id}")
            expect(apage.locator("#deliveries tbody tr").first).to_contain_text("6")  # still to deliver
            admin.check_page("order-partially-delivered")
            first_note = db.session.scalars(sa.select(DeliveryNote)).one()
            cpage.goto(f"/deliveries/{first_note.id}")
            customer.check_page("delivery-to-receive")
            cpage.locator("#reception-name").fill("Claire Cliente")
            cpage.locator("#reception-reservations").fill("Un carton légèrement enfoncé.")
            cpage.get_by_role("button", name="Confirmer la réception").click()
            expect(cpage.get_by_text("Un carton légèrement enfoncé.")).to_be_visible()
    assert order_of(world).state is OrderState.DELIVERED
    # The customer's Livraisons: both notes, the second still to confirm.
    cpage.get_by_role("link", name="Livraisons").click()
    expect(cpage.get_by_role("link", name=f"BL-{YEAR}-0001")).to_be_visible()
    cpage.get_by_role("link", name="À confirmer").click()
    expect(cpage.get_by_role("link", name=f"BL-{YEAR}-0002")).to_be_visible()
    expect(cpage.get_by_role("link", name=f"BL-{YEAR}-0001")).to_have_count(0)
    customer.check_page("customer-deliveries")

    # 5. The final invoice, with the paid deposit deducted.
    apage.goto(f"/requests/{order_id}")
    apage.get_by_role("button", name="Facturer ce qui a été livré").click()
    expect(apage.get_by_role("button", name="Émettre la facture")).to_be_visible()
    admin.check_page("invoice-draft")
    apage.get_by_role("button", name="Émettre la facture").click()
    expect(apage.locator("h1")).to_contain_text(f"FA-{YEAR}-0002")
    [final] = invoices(InvoiceKind.INVOICE)
    assert (final.total_gross, final.prepaid, final.amount_due) == (
        Decimal("446.40"),
        Decimal("133.92"),
        Decimal("312.48"),
    )
    amounts = apage.locator("dl.facts")
    expect(amounts.first).to_contain_text("Acomptes déduits")
    expect(amounts.first).to_contain_text(money(final.amount_due))
    admin.check_page("invoice-issued")

    # 6. Paid in two goes: partially paid, then paid.
    for amount, state in (("200", "Partiellement payée"), ("112,48", "Payée")):
        apage.locator("#payment-amount").fill(amount)
        apage.get_by_role("button", name="Enregistrer le paiement").click()
        expect(apage.locator("h1 .badge").first).to_have_text(state)
    db.session.refresh(final)
    assert final.state is InvoiceState.PAID and final.balance == 0
    admin.check_page("invoice-paid")

    # 7. One hour of turning is credited: a partial credit note referencing the invoice.
    labour = next(ln for ln in final.lines if ln.description == "Tournage des axes")
    apage.locator(f"#credit-{labour.id}").fill("1")
    apage.get_by_role("button", name="Préparer un avoir partiel").click()
    expect(apage.get_by_role("button", name="Émettre l’avoir")).to_be_visible()
    apage.get_by_role("button", name="Émettre l’avoir").click()
    expect(apage.locator("h1")).to_contain_text(f"AV-{YEAR}-0001")
    expect(apage.locator(".flash-success")).to_have_text(f"Avoir AV-{YEAR}-0001 émis et envoyé au client.")
    expect(apage.locator("h1 .badge")).to_have_text("Émis")  # un avoir
    expect(apage.locator("dl.facts").first).to_contain_text(final.number)
    admin.check_page("credit-note")
    [note] = invoices(InvoiceKind.CREDIT_NOTE)
    assert note.total_gross == Decimal("57.60") and note.credited_invoice_id == final.id
    db.session.refresh(final)
    assert final.balance == Decimal("-57.60")  # a credit in the customer's favour
    apage.goto(f"/invoices/{final.id}")
    expect(apage.get_by_text("avoir en faveur du client")).to_be_visible()

    # 8. The administrator's lists and dashboard; the customer's invoices, all of them visible.
    for url, label in (("/invoices", "invoices"), ("/dashboard", "dashboard"), ("/deliveries", "deliveries")):
        apage.goto(url)
        admin.check_page(label)
        if label == "dashboard":  # delivered before the promised date; material outside workshops
            expect(apage.locator(".figure").nth(2)).to_contain_text("100")
            expect(apage.get_by_text("Hors atelier")).to_be_visible()
    cpage.goto("/invoices")
    for number in (deposit.number, final.number, note.number):
        expect(cpage.get_by_role("link", name=number)).to_be_visible()
    customer.check_page("customer-invoices")
    cpage.get_by_role("link", name=final.number).click()
    expect(cpage.locator("h1 .badge").first).to_have_text("Payée")
    expect(cpage.locator("#payment-amount")).to_have_count(0)  # recording payments is the school's
    customer.check_page("customer-invoice")
    with cpage.expect_response(re.compile(r"/pdf$")) as pdf:
        cpage.evaluate(
            "url => fetch(url)", cpage.get_by_role("link", name="PDF (Factur-X)").get_attribute("href")
        )
    assert pdf.value.status == 200 and pdf.value.headers["content-type"] == "application/pdf"
    cpage.goto(f"/requests/{order_id}")
    expect(cpage.locator("#invoices")).to_contain_text(final.number)
    expect(cpage.locator("#deliveries")).to_contain_text(f"BL-{YEAR}-0002")
    customer.check_page("customer-order-delivered")

    # 9. The same documents on the customer's phone: nothing scrolls sideways.
    cpage.set_viewport_size({"width": 390, "height": 844})
    first_note = db.session.scalars(sa.select(DeliveryNote).order_by(DeliveryNote.id)).first()
    for url in (
        "/invoices",
        f"/invoices/{final.id}",
        f"/invoices/{note.id}",
        "/deliveries",
        f"/deliveries/{first_note.id}",
    ):
        cpage.goto(url)
        overflow = cpage.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px on a phone"
    customer.check_page("customer-phone-delivery")
