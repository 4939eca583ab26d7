"""The dashboard's figures come from aggregate queries; each equals the same figure worked
out in Python from the raw rows (the rounding of ``line_amounts`` included)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing import day_figures, figures
from ecoprod.invoicing.models import DayFigures, Invoice, InvoiceKind, InvoiceLine, InvoiceState
from ecoprod.money import line_amounts, to_cents
from ecoprod.orders.models import OrderState, Unit
from ecoprod.pricing.models import LineKind
from ecoprod.tenancy import scoped_to
from tests.factories import accepted_order, deliver

HALVES = [  # quantity, unit price, discount: each lands on half a cent somewhere
    ("0.5", "0.01", "0"),
    ("1.5", "0.01", "0"),
    ("1", "0.10", "5"),
    ("3.333", "12.35", "7.5"),
    ("0.125", "0.04", "0"),
    ("-0.5", "0.01", "0"),
    ("-1", "0.10", "5"),
]


def _line(school_id: int, quantity: str, price: str, discount: str, workshop_id: int | None) -> InvoiceLine:
    return InvoiceLine(
        school_id=school_id,
        kind=LineKind.LABOUR,
        description="Prestation",
        unit=Unit.HOUR,
        quantity=Decimal(quantity),
        unit_price=Decimal(price),
        discount_percent=Decimal(discount),
        vat_rate=Decimal("20"),
        workshop_id=workshop_id,
    )


ISSUING: list[tuple[Invoice, dict[str, Any]]] = []


def _invoice(world: Any, school_id: int, number: str | None, issued: date | None, **kwargs: Any) -> Invoice:
    """A draft now; issued by ``_issue_all`` once its lines are in (they freeze at issue)."""
    invoice = Invoice(
        school_id=school_id,
        kind=kwargs.pop("kind", InvoiceKind.INVOICE),
        customer_id=kwargs.pop("customer_id", world.company.id),
        created_by_id=kwargs.pop("created_by_id", world.admin.id),
        discount_percent=kwargs.pop("discount_percent", Decimal("0")),
    )
    db.session.add(invoice)
    if number:
        state = kwargs.pop("state", InvoiceState.ISSUED)
        ISSUING.append((invoice, {"number": number, "issue_date": issued, "state": state, **kwargs}))
    return invoice


def _issue_all() -> None:
    db.session.flush()
    for invoice, values in ISSUING:
        for name, value in values.items():
            setattr(invoice, name, value)
    ISSUING.clear()
    db.session.commit()


def test_the_database_rounds_a_line_net_as_line_amounts_does(world: Any) -> None:
    rng = random.Random(20261203)
    values = list(HALVES)
    for _ in range(300):
        quantity = Decimal(rng.randint(-5000, 2_000_000)) / 1000
        price = Decimal(rng.randint(0, 500_000)) / 100
        discount = Decimal(rng.randint(0, 10000)) / 100
        values.append((str(quantity), str(price), str(discount)))
    invoice = _invoice(world, world.school.id, None, None)
    for quantity, price, discount in values:
        invoice.lines.append(_line(world.school.id, quantity, price, discount, None))
    db.session.commit()
    rows = db.session.execute(
        sa.select(
            InvoiceLine.quantity,
            InvoiceLine.unit_price,
            InvoiceLine.discount_percent,
            InvoiceLine.net_cents_sql(),
        ).where(InvoiceLine.invoice_id == invoice.id)
    ).all()
    assert len(rows) == len(values)
    for quantity, price, discount, cents in rows:
        assert Decimal(cents) / 100 == line_amounts(quantity, price, discount).net, (
            quantity,
            price,
            discount,
        )


@pytest.mark.parametrize("materialised", [False, True], ids=["live", "closed-days-added-up"])
def test_revenue_receivables_and_states_equal_the_raw_rows(world: Any, materialised: bool) -> None:
    today = local_today()
    a, b = world.school.id, world.other_school.id
    this_month, last_year = today.replace(day=1), today - timedelta(days=400)
    lines = [(q, p, d, world.machining.id) for q, p, d in HALVES[:5]] + [("2", "45.00", "0", None)]
    sold = _invoice(
        world,
        a,
        "F-1",
        this_month,
        discount_percent=Decimal("2.5"),
        due_date=today - timedelta(days=3),
        total_net=Decimal("100.00"),
        amount_due=Decimal("120.00"),
        settled=Decimal("20.00"),
    )
    sold.lines.extend(_line(a, *line) for line in lines)
    earlier = _invoice(
        world,
        a,
        "F-2",
        figures.first_of_month(today, 5),
        due_date=today + timedelta(days=10),
        total_net=Decimal("45.00"),
        amount_due=Decimal("50.00"),
        settled=Decimal("0"),
    )
    earlier.lines.append(_line(a, "4", "12.50", "10", world.metalwork.id))
    credit = _invoice(
        world,
        a,
        "AV-1",
        this_month,
        kind=InvoiceKind.CREDIT_NOTE,
        total_net=Decimal("30.00"),
        amount_due=Decimal("30.00"),
    )
    credit.lines.append(_line(a, "1", "30.00", "0", world.machining.id))
    deposit = _invoice(
        world,
        a,
        "AC-1",
        this_month,
        kind=InvoiceKind.DEPOSIT,
        total_net=Decimal("99.00"),
        amount_due=Decimal("99.00"),
        state=InvoiceState.PAID,
        settled=Decimal("99.00"),
    )
    deposit.lines.append(_line(a, "1", "99.00", "0", world.machining.id))
    paid = _invoice(
        world,
        a,
        "F-3",
        last_year,
        due_date=last_year,
        total_net=Decimal("10.00"),
        amount_due=Decimal("10.00"),
        settled=Decimal("10.00"),
        state=InvoiceState.PAID,
    )
    paid.lines.append(_line(a, "1", "10.00", "0", world.machining.id))
    today_sale = _invoice(world, a, "F-4", today, due_date=today, total_net=Decimal("7.00"),
                          amount_due=Decimal("8.40"), settled=Decimal("8.40"), state=InvoiceState.PAID)  # fmt: skip
    today_sale.lines.append(_line(a, "1", "7.00", "0", world.metalwork.id))  # after the mark: live
    draft = _invoice(world, a, None, None)
    draft.lines.append(_line(a, "1", "1000.00", "0", world.machining.id))
    theirs = _invoice(
        world,
        b,
        "F-1",
        this_month,
        customer_id=world.company_b.id,
        created_by_id=world.other_admin.id,
        due_date=today - timedelta(days=30),
        total_net=Decimal("500.00"),
        amount_due=Decimal("500.00"),
        settled=Decimal("0"),
    )
    theirs.lines.append(_line(b, "1", "500.00", "0", world.woodwork.id))
    _issue_all()

    if materialised:  # the days before today from DayFigures, today's documents live
        assert day_figures.materialise_every_school(today - timedelta(days=1))[a] > 0
        assert day_figures.materialise_every_school(today - timedelta(days=1)) == {a: 0, b: 0}  # done already
    with scoped_to(db.session, a):
        shown = figures.figures(today)
        invoices = db.session.scalars(sa.select(Invoice).options(sa.orm.selectinload(Invoice.lines))).all()

    start = figures.first_of_month(today, 11)
    months: dict[date, Decimal] = defaultdict(Decimal)
    workshops: dict[str, Decimal] = defaultdict(Decimal)
    names = {
        world.machining.id: "Usinage Alpha",
        world.metalwork.id: "Métallerie Alpha",
        None: "Hors atelier",
    }
    owed, late = [], []
    for invoice in invoices:
        if invoice.number and invoice.issue_date >= start and invoice.kind is not InvoiceKind.DEPOSIT:
            sign = -1 if invoice.kind is InvoiceKind.CREDIT_NOTE else 1
            for line in invoice.lines:
                net = sign * line.net * (1 - invoice.discount_percent / 100)
                months[invoice.issue_date.replace(day=1)] += net
                workshops[names[line.workshop_id]] += net
        balance = (invoice.amount_due or 0) - invoice.settled
        if (
            invoice.kind is not InvoiceKind.CREDIT_NOTE
            and invoice.state in (InvoiceState.ISSUED, InvoiceState.PARTIALLY_PAID)
            and balance > 0
        ):
            owed.append(balance)
            if invoice.due_date < today:
                late.append(balance)

    assert {m: a for m, a in shown.months if a} == {m: to_cents(a) for m, a in months.items() if a}
    assert set(months) == {this_month, figures.first_of_month(today, 5)}
    assert len(shown.months) == 12 and shown.months[-1][0] == this_month
    assert dict(shown.workshops) == {n: to_cents(a) for n, a in workshops.items() if a}
    assert shown.workshops[0][1] >= shown.workshops[-1][1]
    assert (shown.receivables, shown.receivables_count) == (sum(owed), 2) == (Decimal("150.00"), 2)
    assert (shown.overdue, shown.overdue_count) == (sum(late), 1) == (Decimal("100.00"), 1)


@pytest.mark.parametrize("materialised", [False, True], ids=["live", "closed-days-added-up"])
def test_on_time_counts_the_last_delivery_against_the_promise(
    factory: Any, world: Any, materialised: bool
) -> None:
    early = accepted_order(factory, world, "Livrée à temps", [("labour", "Axes", "10", "5.00", "20")])
    late = accepted_order(factory, world, "Livrée en retard", [("labour", "Axes", "10", "5.00", "20")])
    for order in (early, late):
        deliver(world, order, "10")
    with scoped_to(db.session, world.school.id):
        early.promised_date = local_today() + timedelta(days=5)
        late.promised_date = local_today() - timedelta(days=1)
        db.session.commit()
    if materialised:  # through today: every figure from DayFigures, nothing live
        day_figures.materialise(world.school.id, local_today())
        assert db.session.scalar(sa.select(sa.func.sum(DayFigures.delivered))) == 2
    with scoped_to(db.session, world.school.id):
        delivered, in_time = figures.on_time()
        shown = figures.figures()
    assert (delivered, in_time) == (2, 1)
    assert (shown.on_time, shown.delivered_count) == (50, 2)
    assert dict(shown.states)[OrderState.DELIVERED] == 2


def test_the_command_adds_up_the_closed_days_once(app: Any, world: Any) -> None:
    sale = _invoice(
        world, world.school.id, "F-9", local_today() - timedelta(days=2), total_net=Decimal("10.00")
    )
    sale.lines.append(_line(world.school.id, "1", "10.00", "0", world.machining.id))
    _issue_all()
    first = app.test_cli_runner().invoke(args=["invoices", "add-up-days"])
    assert first.exit_code == 0 and "2 school(s), 1 day row(s) written" in first.output
    again = app.test_cli_runner().invoke(args=["invoices", "add-up-days"])
    assert "0 day row(s) written" in again.output
    assert db.session.scalar(sa.select(sa.func.sum(DayFigures.revenue))) == 1000 * 10000
