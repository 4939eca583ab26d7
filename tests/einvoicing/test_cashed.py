"""A payment recorded on a sent invoice of services, whose VAT falls due on receipt, sends the
212 *Encaissée* with the amount cashed: a CDAR message the platform checks with the France_RFE
rules, once per payment; goods, or VAT on debits, send none."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from ecoprod.einvoicing import cdar
from ecoprod.einvoicing.models import Transmission, TransmissionState
from ecoprod.einvoicing.services.sending import cashed_amounts
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing.models import Category, Invoice
from ecoprod.pricing.models import LineKind
from ecoprod.schools.models import School
from tests.conftest import login_as, post
from tests.einvoicing.test_sending import connect, issue
from tests.einvoicing.test_statuses import _codes
from tests.factories.invoicing import drafts
from tests.invoicing import cdar_check


def _pay(client, invoice: Invoice, amount: str) -> None:
    response = post(
        client,
        f"/invoices/{invoice.id}/payments",
        {
            "payment-paid_on": local_today().isoformat(),
            "payment-amount": amount,
            "payment-method": "transfer",
        },
    )
    assert response.status_code == 302
    response.close()


def _statuses_sent(invoice: Invoice) -> list[Transmission]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Transmission)
            .where(Transmission.invoice_id == invoice.id, Transmission.status_code.is_not(None))
            .order_by(Transmission.id)
            .execution_options(all_schools=True)
        )
    )


def _services_invoice(client, world, category: Category = Category.SERVICES) -> Invoice:
    """Labour lines make services; material lines goods (issuing sets the category)."""
    [draft] = drafts(world, 1)
    if category is Category.GOODS:
        db.session.get(Invoice, draft).lines[0].kind = LineKind.MATERIAL
        db.session.commit()
    invoice = issue(client, draft)
    assert invoice.category is category
    return invoice


def test_each_payment_of_a_services_invoice_sends_a_valid_212(client, world, pa):
    connect(world, pa)
    login_as(client, world.admin)
    invoice = _services_invoice(client, world)  # 45.00 + 20 % = 54.00
    _pay(client, invoice, "20,00")
    _pay(client, invoice, "34,00")
    sent = _statuses_sent(invoice)
    assert [t.tracking_id for t in sent] == [f"{invoice.number}-212-{t.payment_id}" for t in sent]
    assert all(t.state is TransmissionState.ACCEPTED for t in sent)  # the platform's CDAR check passed
    files = [pa.platform.sent(t.tracking_id)[0] for t in sent]
    for flow, amount in zip(files, ("20.00", "34.00"), strict=True):
        assert flow.info["flowSyntax"] == "CDAR"
        cdar_check.check(flow.content)
        [report] = cdar.parse(flow.content)
        assert (report.code, report.invoice_number) == (212, invoice.number)
        assert f'<ram:ValueAmount currencyID="EUR">{amount}</ram:ValueAmount>'.encode() in flow.content
        assert b"<ram:ValuePercent>20.00</ram:ValuePercent>" in flow.content
    assert _codes(invoice) == [212, 212]  # in the invoice's timeline
    page = client.get(f"/invoices/{invoice.id}").get_data(as_text=True)
    assert "212 Encaissée" in page


@pytest.mark.parametrize("case", ["goods", "debits", "not sent"])
def test_no_212_for_goods_vat_on_debits_or_an_invoice_not_sent(client, world, pa, case):
    if case != "not sent":
        connect(world, pa)
    if case == "debits":
        db.session.get(School, world.school.id).vat_on_debits = True
        db.session.commit()
    login_as(client, world.admin)
    invoice = _services_invoice(client, world, Category.GOODS if case == "goods" else Category.SERVICES)
    _pay(client, invoice, "54,00")
    assert _statuses_sent(invoice) == []
    assert not [f for f in pa.platform.flows.values() if f.info["flowSyntax"] == "CDAR"]


def test_the_amount_cashed_is_split_over_the_vat_rates(world):
    invoice = db.session.get(Invoice, drafts(world, 1, lines=2)[0])
    invoice.lines[1].vat_rate = Decimal("5.5")
    # 45 + 20 % = 54.00 and 45 + 5.5 % = 47.48: 101.48 in all
    split = cashed_amounts(invoice, Decimal("50.00"))
    assert [rate for rate, _ in split] == [Decimal("20"), Decimal("5.5")]
    assert sum(amount for _, amount in split) == Decimal("50.00")
    assert split[0][1] == Decimal("26.61")  # 50 × 54.00 / 101.48
