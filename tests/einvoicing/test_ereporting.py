"""E-reporting (flux 10): sales to individuals and to foreign businesses, and their payments
when VAT is due on receipt, reported per period of the school's VAT returns; each file checked
by the sandbox platform with the DGFiP XSD and the AIFE schematron (``frr_check``), sent once,
corrected when a period's figures change."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ecoprod.customers.models import Customer, CustomerType
from ecoprod.database import Address, utcnow
from ecoprod.deferred import run_committed
from ecoprod.einvoicing import frr
from ecoprod.einvoicing.models import EReport, Flux, PlatformConnection, Transmission, TransmissionState
from ecoprod.einvoicing.services import ereporting
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing.models import Invoice
from ecoprod.pricing.models import LineKind
from ecoprod.schools.models import School, VatFiling
from ecoprod.tenancy import scoped_to
from tests.conftest import login_as, post
from tests.einvoicing import frr_check
from tests.einvoicing.test_sending import connect, issue
from tests.factories.invoicing import drafts

D = Decimal


# --- Periods -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filing", "flux", "day", "period"),
    [
        (VatFiling.MONTHLY, Flux.SALES_INDIVIDUALS, date(2026, 9, 1), (date(2026, 9, 1), date(2026, 9, 10))),
        (VatFiling.MONTHLY, Flux.SALES_ABROAD, date(2026, 9, 15), (date(2026, 9, 11), date(2026, 9, 20))),
        (
            VatFiling.MONTHLY,
            Flux.SALES_INDIVIDUALS,
            date(2027, 2, 21),
            (date(2027, 2, 21), date(2027, 2, 28)),
        ),
        (
            VatFiling.MONTHLY,
            Flux.CASHED_INDIVIDUALS,
            date(2026, 9, 15),
            (date(2026, 9, 1), date(2026, 9, 30)),
        ),
        (
            VatFiling.QUARTERLY,
            Flux.SALES_INDIVIDUALS,
            date(2026, 9, 15),
            (date(2026, 9, 1), date(2026, 9, 30)),
        ),
        (
            VatFiling.SIMPLIFIED,
            Flux.CASHED_ABROAD,
            date(2026, 12, 31),
            (date(2026, 12, 1), date(2026, 12, 31)),
        ),
        (VatFiling.NONE, Flux.SALES_INDIVIDUALS, date(2026, 9, 15), (date(2026, 9, 1), date(2026, 10, 31))),
        (VatFiling.NONE, Flux.CASHED_INDIVIDUALS, date(2026, 2, 1), (date(2026, 1, 1), date(2026, 2, 28))),
    ],
)
def test_the_period_follows_the_vat_returns(filing, flux, day, period):
    assert ereporting.period_of(filing, flux, day) == period


def test_closed_periods_are_those_ended_before_today():
    periods = ereporting.closed_periods(
        VatFiling.MONTHLY, Flux.SALES_INDIVIDUALS, date(2026, 9, 5), date(2026, 10, 1)
    )
    assert periods == [
        (date(2026, 9, 1), date(2026, 9, 10)),
        (date(2026, 9, 11), date(2026, 9, 20)),
        (date(2026, 9, 21), date(2026, 9, 30)),
    ]
    assert (
        ereporting.closed_periods(
            VatFiling.MONTHLY, Flux.SALES_INDIVIDUALS, date(2026, 9, 5), date(2026, 9, 10)
        )
        == []
    )


# --- The files, as the PPF's rules see them ------------------------------------------------------

HEADER = frr.Header(
    report_id="ECOPROD-100000009-103-20260901-1",
    issued_at=utcnow(),
    correction=False,
    platform_number="9001",
    platform_name="pa.example",
    siren="100000009",
    school_name="École de production",
)


def test_each_flow_passes_the_xsd_and_the_aife_schematron():
    start, end = date(2026, 9, 1), date(2026, 9, 10)
    days = (
        frr.DaySales(
            date(2026, 9, 2),
            "TLB1",
            2,
            (frr.Subtotal(D("20"), D("100.00"), D("20.00")), frr.Subtotal(D("5.5"), D("50.00"), D("2.75"))),
        ),
        frr.DaySales(
            date(2026, 9, 3), "TPS1", 1, (frr.Subtotal(D("20"), D("-45.00"), D("-9.00")),)
        ),  # a credit note
    )
    sales = (
        frr.InvoiceSale(
            "FA-2026-00012",
            date(2026, 9, 4),
            "380",
            "S1",
            date(2026, 10, 4),
            "FR32100000009",
            frr.Buyer("0223", "BE0123456789", "BE", "BE0123456789"),
            (frr.Subtotal(D("20"), D("300.00"), D("60.00")),),
        ),
        frr.InvoiceSale(
            "AV-2026-00003",
            date(2026, 9, 5),
            "381",
            "S1",
            None,
            "FR32100000009",
            frr.Buyer("0227", "CHE123456789", "CH"),
            (frr.Subtotal(D("20"), D("30.00"), D("6.00")),),
            credited=("FA-2026-00012", date(2026, 9, 4)),
        ),
        frr.InvoiceSale(
            "FA-2026-00013",
            date(2026, 9, 6),
            "380",
            "S1",
            None,
            "FR32100000009",
            frr.Buyer("0227", "CHE123456789", "CH"),
            (
                frr.Subtotal(
                    D("0"),
                    D("30.00"),
                    D("0.00"),
                    code="E",
                    exemption="TVA non applicable, art. 293 B du CGI",
                    exemption_code="VATEX-FR-FRANCHISE",
                ),
            ),
        ),
    )
    cashed = (
        frr.Cashed(date(2026, 9, 2), ((D("20"), D("120.00")), (D("5.5"), D("10.55")))),
        frr.Cashed(date(2026, 9, 8), ((D("20"), D("360.00")),), ("FA-2026-00012", date(2026, 9, 4))),
    )
    for xml in (
        frr.transactions_report(HEADER, start, end, days=days),
        frr.transactions_report(HEADER, start, end, invoices=sales),
        frr.payments_report(HEADER, start, end, cashed),
    ):
        frr_check.check(xml)
    assert b"<TypeCode>IN</TypeCode>" in frr.transactions_report(HEADER, start, end, days=days)


def test_the_rules_catch_a_wrong_file():
    """The check can fail: a one-day period (G6.25), a rate France does not have (G1.24)."""
    bad = frr.transactions_report(
        HEADER,
        date(2026, 9, 1),
        date(2026, 9, 1),
        days=(frr.DaySales(date(2026, 9, 1), "TLB1", 1, (frr.Subtotal(D("19"), D("10.00"), D("1.90")),)),),
    )
    with pytest.raises(AssertionError) as failed:
        frr_check.check(bad)
    assert "G6.25" in str(failed.value) and "G1.24" in str(failed.value)
    assert frr.schema_errors(b"<Report xmlns='urn:x'/>")


# --- From issued invoices to the platform ----------------------------------------------------------


def _connect(world, pa, number: str | None = "9001") -> None:
    connect(world, pa)
    db.session.execute(sa.update(PlatformConnection).values(platform_number=number))
    db.session.commit()


def _customer(world, kind: CustomerType, country: str = "FR", vat: str | None = None) -> None:
    customer = db.session.get(Customer, world.company.id)
    customer.customer_type = kind
    customer.siren = customer.siret = None
    customer.vat_number = vat
    customer.billing_address = Address(
        "1 rue de la Paix", None, "1000", "Bruxelles" if country != "FR" else "Lyon", country
    )
    db.session.commit()


def _issued(client, world, goods: bool = False) -> Invoice:
    [draft] = drafts(world, 1)
    if goods:
        db.session.get(Invoice, draft).lines[0].kind = LineKind.MATERIAL
        db.session.commit()
    return issue(client, draft)


def _pay(client, invoice: Invoice, amount: str, on: date) -> None:
    response = post(
        client,
        f"/invoices/{invoice.id}/payments",
        {"payment-paid_on": on.isoformat(), "payment-amount": amount, "payment-method": "transfer"},
    )
    assert response.status_code == 302
    response.close()


def _prepare(world, today: date) -> list[EReport]:
    with scoped_to(db.session, world.school.id):
        built = ereporting.prepare(db.session.get(School, world.school.id), today=today)
        ids = [r.id for r in built]
    db.session.commit()
    run_committed()  # the sending jobs, as the worker would after the job that built them
    db.session.expire_all()
    return [db.session.get(EReport, i) for i in ids]


def _sent(report: EReport) -> Transmission | None:
    return db.session.scalars(
        sa.select(Transmission).where(Transmission.report_id == report.id).execution_options(all_schools=True)
    ).one_or_none()


def _after(filing: VatFiling, flux: Flux) -> date:
    return ereporting.period_of(filing, flux, local_today())[1] + timedelta(days=1)


def test_sales_to_individuals_and_their_payments_are_reported_once(client, world, pa):
    _connect(world, pa)
    _customer(world, CustomerType.INDIVIDUAL)
    login_as(client, world.admin)
    services = _issued(client, world)  # 45.00 + 20 % = 54.00, services: VAT due on receipt
    goods = _issued(client, world, goods=True)
    _pay(client, services, "54,00", local_today())
    _pay(client, goods, "54,00", local_today())  # goods: VAT due at delivery, no payment reported
    assert not pa.platform.flows or all(f.info["flowSyntax"] != "FRR" for f in pa.platform.flows.values())

    today = _after(VatFiling.MONTHLY, Flux.CASHED_INDIVIDUALS)  # the month's end: decades and month
    built = _prepare(world, today)
    by_flux = {}
    for report in built:
        by_flux.setdefault(report.flux, []).append(report)
    sales = [r for r in by_flux[Flux.SALES_INDIVIDUALS] if r.documents]
    assert len(sales) == 1 and sales[0].documents == 2
    assert (sales[0].amount, sales[0].vat) == (D("90.00"), D("18.00"))
    [cashed] = [r for r in by_flux[Flux.CASHED_INDIVIDUALS] if r.documents]
    assert (cashed.documents, cashed.amount) == (1, D("54.00"))
    assert all(
        not r.documents and _sent(r) is None for r in by_flux[Flux.SALES_ABROAD]
    )  # nothing: nothing sent

    for report, flow_type in (
        (sales[0], "AggregatedCustomerTransactionReport"),
        (cashed, "AggregatedCustomerPaymentReport"),
    ):
        transmission = _sent(report)
        assert transmission.state is TransmissionState.ACCEPTED  # the platform's XSD + schematron passed
        [flow] = pa.platform.sent(report.report_id)
        assert (flow.info["flowSyntax"], flow.info["processingRule"], flow.info["flowType"]) == (
            "FRR",
            "B2C",
            flow_type,
        )
        frr_check.check(flow.content)
    [flow] = pa.platform.sent(sales[0].report_id)
    assert (
        b"<CategoryCode>TLB1</CategoryCode>" in flow.content
        and b"<CategoryCode>TPS1</CategoryCode>" in flow.content
    )
    assert b"<TransactionsCount>1</TransactionsCount>" in flow.content
    [flow] = pa.platform.sent(cashed.report_id)
    assert b"<Amount>54.00</Amount>" in flow.content

    assert _prepare(world, today) == []  # the same figures: nothing new, nothing sent twice
    assert len([f for f in pa.platform.flows.values() if f.info["flowSyntax"] == "FRR"]) == 2


def test_a_payment_recorded_late_sends_the_period_again_as_a_correction(client, world, pa):
    _connect(world, pa)
    _customer(world, CustomerType.INDIVIDUAL)
    login_as(client, world.admin)
    first = _issued(client, world)
    second = _issued(client, world)
    _pay(client, first, "54,00", local_today())
    today = _after(VatFiling.MONTHLY, Flux.CASHED_INDIVIDUALS)
    [before] = [r for r in _prepare(world, today) if r.flux is Flux.CASHED_INDIVIDUALS and r.documents]
    _pay(client, second, "10,00", local_today())  # learnt of later, dated in the period reported
    [after] = _prepare(world, today)
    assert (after.flux, after.sequence, after.correction, after.amount) == (
        Flux.CASHED_INDIVIDUALS,
        2,
        True,
        D("64.00"),
    )
    assert after.report_id.endswith("-2") and after.report_id != before.report_id
    [flow] = pa.platform.sent(after.report_id)
    assert b"<TypeCode>RE</TypeCode>" in flow.content
    assert _sent(after).state is TransmissionState.ACCEPTED


def test_sales_abroad_are_reported_invoice_by_invoice(client, world, pa):
    _connect(world, pa)
    _customer(world, CustomerType.FOREIGN, "BE", "BE0123456749")
    login_as(client, world.admin)
    invoice = _issued(client, world)
    _pay(client, invoice, "54,00", local_today())
    built = _prepare(world, _after(VatFiling.MONTHLY, Flux.CASHED_ABROAD))
    [sales] = [r for r in built if r.flux is Flux.SALES_ABROAD and r.documents]
    [cashed] = [r for r in built if r.flux is Flux.CASHED_ABROAD and r.documents]
    [flow] = pa.platform.sent(sales.report_id)
    assert (flow.info["processingRule"], flow.info["flowType"]) == (
        "B2BInt",
        "UnitaryCustomerTransactionReport",
    )
    assert f"<ID>{invoice.number}</ID>".encode() in flow.content
    assert b'<CompanyId schemeId="0223">BE0123456749</CompanyId>' in flow.content
    [flow] = pa.platform.sent(cashed.report_id)
    assert flow.info["flowType"] == "UnitaryCustomerPaymentReport"
    assert f"<InvoiceID>{invoice.number}</InvoiceID>".encode() in flow.content
    assert _sent(sales).state is _sent(cashed).state is TransmissionState.ACCEPTED


def test_what_stops_a_report_is_said_and_nothing_is_sent_until_it_is_corrected(client, world, pa):
    _connect(world, pa, number=None)
    _customer(world, CustomerType.FOREIGN, "BE", None)  # an EU business without its VAT number
    login_as(client, world.admin)
    _issued(client, world)
    today = _after(VatFiling.MONTHLY, Flux.SALES_ABROAD)
    [report] = [
        r
        for r in _prepare(world, today)
        if r.flux is Flux.SALES_ABROAD and r.period_end < today and r.problem
    ]
    assert "matricule" in report.problem and "numéro de TVA" in report.problem
    assert _sent(report) is None and report.file_sha256 is None
    page = client.get("/admin/e-invoicing/e-reporting").get_data(as_text=True)
    assert "Ne peut pas être envoyé" in page and "matricule" in page

    db.session.execute(sa.update(PlatformConnection).values(platform_number="9001"))
    db.session.commit()
    rebuilt = [r for r in _prepare(world, today) if r.flux is Flux.SALES_ABROAD]
    assert [r.id for r in rebuilt] == [report.id]  # rewritten in place: never sent
    assert "matricule" not in rebuilt[0].problem and "numéro de TVA" in rebuilt[0].problem
    assert not [f for f in pa.platform.flows.values() if f.info["flowSyntax"] == "FRR"]


def test_the_page_lists_the_reports_and_gives_their_files(client, world, pa):
    _connect(world, pa)
    _customer(world, CustomerType.INDIVIDUAL)
    login_as(client, world.admin)
    _issued(client, world)
    page = client.get("/admin/e-invoicing/e-reporting").get_data(as_text=True)
    assert "Aucune période" in page
    _prepare(world, _after(VatFiling.MONTHLY, Flux.CASHED_INDIVIDUALS))
    page = client.get("/admin/e-invoicing/e-reporting").get_data(as_text=True)
    assert "Ventes aux particuliers" in page and "Acceptée par la plateforme" in page
    report = db.session.scalars(
        sa.select(EReport).where(EReport.file_sha256.is_not(None)).execution_options(all_schools=True)
    ).first()
    response = client.get(f"/admin/e-invoicing/e-reporting/{report.id}.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    frr_check.check(response.data)
    login_as(client, world.other_admin)
    assert client.get(f"/admin/e-invoicing/e-reporting/{report.id}.xml").status_code == 404


def test_prepare_now_from_the_page(client, world, pa):
    _connect(world, pa)
    login_as(client, world.admin)
    response = post(client, "/admin/e-invoicing/e-reporting/prepare", follow_redirects=True)
    assert response.status_code == 200
    assert "Rien de nouveau" in response.get_data(as_text=True)  # connected today: no period has ended


def test_a_report_the_platform_rejects_is_told_and_sent_anew_once_corrected(client, world, pa):
    from ecoprod.notifications.models import OutboxEmail

    _connect(world, pa)
    _customer(world, CustomerType.INDIVIDUAL)
    login_as(client, world.admin)
    _issued(client, world)
    checks = pa.platform.check_invoice
    pa.platform.check_invoice = lambda content, syntax: (
        ["[G6.22] matricule inconnu"] if syntax == "FRR" else []
    )
    today = _after(VatFiling.MONTHLY, Flux.SALES_INDIVIDUALS)
    [report] = [r for r in _prepare(world, today) if r.documents]
    rejected = _sent(report)
    assert rejected.state is TransmissionState.REJECTED and "G6.22" in rejected.reason
    mails = db.session.scalars(
        sa.select(OutboxEmail)
        .where(OutboxEmail.template == "ereport_rejected")
        .execution_options(all_schools=True)
    ).all()
    assert mails and all(m.school_id == world.school.id for m in mails)
    assert _prepare(world, today) == []  # the same file would be rejected again: not resent

    pa.platform.check_invoice = checks
    db.session.execute(sa.update(PlatformConnection).values(platform_number="9002"))
    db.session.commit()
    [again] = _prepare(world, today)
    assert (again.sequence, again.correction) == (2, False)  # the first never reached the administration
    assert _sent(again).state is TransmissionState.ACCEPTED
    [flow] = pa.platform.sent(again.report_id)
    assert b'<Id schemeId="0238">9002</Id>' in flow.content and b"<TypeCode>IN</TypeCode>" in flow.content
