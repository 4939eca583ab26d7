"""E-reporting in a real browser, against the sandbox platform on loopback (every exchange
validated against the AFNOR Flow Service, each file checked with the DGFiP XSD and the AIFE
flux 10 schematron): the administrator says the school files quarterly VAT returns, connects
the school with its platform's number, prepares the ended periods; the month's sales to an
individual and the next month's payment go out and are accepted, the empty periods are shown
as such, and the file downloaded is the one the platform checked."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa
from playwright.sync_api import expect

from ecoprod.customers.models import Customer, CustomerType
from ecoprod.einvoicing.models import EReport, Flux, PlatformConnection
from ecoprod.einvoicing.services import ereporting
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing import services as invoicing
from ecoprod.invoicing.models import Invoice, PaymentMethod
from ecoprod.schools.models import VatFiling
from ecoprod.tenancy import scoped_to
from tests.browser.test_einvoicing_journey import reload_until_text
from tests.einvoicing import frr_check
from tests.einvoicing.conftest import CLIENT_ID, CLIENT_SECRET, pa  # noqa: F401 - the fixture
from tests.factories import PASSWORD
from tests.factories.invoicing import drafts


def _sale_to_an_individual(world, days_ago: int, paid_days_ago: int) -> Invoice:
    """Issued and paid in the past (as the demo data does): the periods they fall in have ended."""
    customer = db.session.get(Customer, world.company.id)
    customer.customer_type, customer.siren, customer.siret = CustomerType.INDIVIDUAL, None, None
    [draft] = drafts(world, 1)  # 45.00 of services + 20 %
    today = local_today()
    with scoped_to(db.session, world.school.id):
        invoice = db.session.get(Invoice, draft)
        at = datetime.combine(today - timedelta(days=days_ago), time(10), tzinfo=UTC)
        issued = invoicing.issue(invoice, world.admin, at=at)
        invoicing.record_payment(
            issued,
            today - timedelta(days=paid_days_ago),
            issued.amount_due,
            PaymentMethod.CARD,
            None,
            world.admin,
        )
        db.session.commit()
    return issued


def test_the_e_reporting_of_a_quarter_filing_school(world, visit, live_server, pa):  # noqa: F811
    admin = visit("admin")
    admin.sign_in(world.admin.email, PASSWORD)
    page = admin.page

    # 1. The school files its VAT returns quarterly: sales and payments are reported monthly.
    page.goto("/admin/school")
    page.locator("#vat_filing").select_option("quarterly")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Les paramètres de l’école ont été enregistrés.")).to_be_visible()

    # 2. The connection, with the platform's number (its matricule), the reports' sender.
    page.goto("/admin/e-invoicing")
    page.locator("#flow_url").fill(pa.endpoints.flow_url)
    page.locator("#directory_url").fill(pa.endpoints.directory_url)
    page.locator("#token_url").fill(pa.endpoints.token_url)
    page.locator("#client_id").fill(CLIENT_ID)
    page.locator("#client_secret").fill(CLIENT_SECRET)
    page.locator("#platform_number").fill("90x")
    page.get_by_role("button", name="Enregistrer").click()
    expect(
        page.get_by_text("Quatre lettres ou chiffres, tels que la plateforme les a donnés.")
    ).to_be_visible()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PlatformConnection)) == 0  # nothing saved
    page.locator("#client_secret").fill(CLIENT_SECRET)
    page.locator("#platform_number").fill("9001")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("La connexion à la plateforme a été enregistrée.")).to_be_visible()

    # Connected 100 days ago; a sale 40 days ago, paid 35 days ago (services: VAT due on receipt).
    db.session.execute(
        sa.update(PlatformConnection).values(
            created_at=datetime.combine(local_today() - timedelta(days=100), time(8), tzinfo=UTC)
        )
    )
    db.session.commit()
    sold = _sale_to_an_individual(world, 40, 35)

    # 3. The e-reporting page: nothing yet; the ended periods prepared now.
    page.get_by_role("link", name="E-reporting des ventes aux particuliers et à l’étranger").click()
    expect(page.get_by_text("Périodes : Réel normal, déclarations trimestrielles.")).to_be_visible()
    expect(page.get_by_text("Aucune période ne s’est achevée")).to_be_visible()
    page.get_by_role("button", name="Préparer maintenant les périodes achevées").click()
    expect(page.get_by_text("2 déclarations envoyées à la plateforme.")).to_be_visible()
    reload_until_text(page, "Acceptée par la plateforme")
    months = len(
        ereporting.closed_periods(
            VatFiling.QUARTERLY, Flux.SALES_INDIVIDUALS, local_today() - timedelta(days=100), local_today()
        )
    )
    expect(page.get_by_text(f"{4 * months - 2} périodes et flux sans rien à déclarer")).to_be_visible()
    admin.check_page("e-reporting")

    db.session.expire_all()
    reports = db.session.scalars(
        sa.select(EReport).where(EReport.documents > 0).execution_options(all_schools=True)
    ).all()
    assert sorted(r.flux for r in reports) == [Flux.SALES_INDIVIDUALS, Flux.CASHED_INDIVIDUALS]
    sales = next(r for r in reports if r.flux is Flux.SALES_INDIVIDUALS)
    assert sales.period_start.day == 1 and sales.period_start <= sold.issue_date <= sales.period_end
    reload_until_text(page, sales.report_id + ".xml")
    expect(
        page.locator("tr", has_text=sales.report_id).get_by_text("Acceptée par la plateforme")
    ).to_be_visible()

    # 4. The file downloaded is the one the platform received and checked.
    with page.expect_download() as download:
        page.get_by_role("link", name=sales.report_id + ".xml").click()
    data = Path(download.value.path()).read_bytes()
    assert data == pa.platform.sent(sales.report_id)[0].content
    frr_check.check(data)
    assert b"<TaxExclusiveAmount>45.00</TaxExclusiveAmount>" in data
