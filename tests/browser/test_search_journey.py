"""Staff find an invoice by its number from anywhere: "/" reaches the header's search box,
the results are grouped by kind, one click opens the invoice."""

from __future__ import annotations

from playwright.sync_api import expect

from ecoprod.extensions import db
from ecoprod.invoicing import services as invoicing
from ecoprod.invoicing.models import Invoice
from ecoprod.tenancy import scoped_to
from tests.factories import PASSWORD
from tests.factories.invoicing import drafts


def test_staff_find_an_invoice_by_its_number(world, visit):
    [draft] = drafts(world, 1)
    with scoped_to(db.session, world.school.id):
        invoice = invoicing.issue(db.session.get(Invoice, draft), world.admin)
        db.session.commit()
    admin = visit("admin")
    admin.sign_in(world.admin.email, PASSWORD)
    page = admin.page
    page.goto("/dashboard")
    page.keyboard.press("/")
    expect(page.locator("#site-search")).to_be_focused()
    page.keyboard.type(invoice.number)
    page.keyboard.press("Enter")
    results = page.locator("section.search-group", has_text="Factures")
    expect(results.get_by_role("link", name=invoice.number, exact=False)).to_be_visible()
    admin.check_page("search")
    results.get_by_role("link", name=invoice.number, exact=False).click()
    expect(page.locator("h1")).to_contain_text(invoice.number)
