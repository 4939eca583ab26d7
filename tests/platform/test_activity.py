"""The operator's figures per school equal the raw rows of each school, and the page shows
them for every school of the page without a student's name."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from ecoprod.customers.models import Customer
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing import day_figures
from ecoprod.invoicing.models import Invoice, InvoiceKind, InvoiceLine, InvoiceState
from ecoprod.orders.models import IN_PROGRESS, Order, OrderState, Unit
from ecoprod.platform import services
from ecoprod.pricing.models import LineKind
from ecoprod.students.models import Student
from tests.conftest import login_as
from tests.factories import accepted_order


def _issued(world: Any, school_id: int, customer_id: int, number: str, **values: Any) -> None:
    """An invoice issued directly, with one line of its net (lines freeze at issue)."""
    invoice = Invoice(school_id=school_id, customer_id=customer_id, created_by_id=world.admin.id,
                      kind=values.pop("kind", InvoiceKind.INVOICE))  # fmt: skip
    invoice.lines.append(
        InvoiceLine(
            school_id=school_id,
            kind=LineKind.LABOUR,
            description="Prestation",
            unit=Unit.HOUR,
            quantity=Decimal("1"),
            unit_price=values["total_net"],
            vat_rate=Decimal("20"),
        )
    )
    db.session.add(invoice)
    db.session.flush()
    for name, value in {"number": number, "state": InvoiceState.ISSUED, **values}.items():
        setattr(invoice, name, value)


def test_each_school_s_figures_are_its_own(factory: Any, world: Any) -> None:
    today = local_today()
    accepted_order(factory, world, "En cours", [("labour", "Axes", "1", "5.00", "20")])
    _issued(
        world,
        world.school.id,
        world.company.id,
        "F-1",
        issue_date=today,
        total_net=Decimal("100.00"),
        amount_due=Decimal("120.00"),
        due_date=today - timedelta(days=1),
    )
    _issued(
        world,
        world.school.id,
        world.company.id,
        "AV-1",
        kind=InvoiceKind.CREDIT_NOTE,
        issue_date=today,
        total_net=Decimal("10.00"),
        amount_due=Decimal("12.00"),
    )
    _issued(
        world,
        world.school.id,
        world.company.id,
        "F-0",
        issue_date=today - timedelta(days=400),
        total_net=Decimal("999.00"),
        amount_due=Decimal("999.00"),
        due_date=today - timedelta(days=370),
    )
    _issued(
        world,
        world.other_school.id,
        world.company_b.id,
        "F-1",
        issue_date=today,
        total_net=Decimal("50.00"),
        amount_due=Decimal("60.00"),
        due_date=today + timedelta(days=30),
    )
    db.session.commit()

    shown = services.activity([world.school.id, world.other_school.id], today)
    day_figures.materialise_every_school(today - timedelta(days=1))  # the year-old invoice: added up
    assert services.activity([world.school.id, world.other_school.id], today) == shown

    start = services.school_year_start(today)
    for school in (world.school, world.other_school):
        counts = {
            "customers": db.session.scalar(
                sa.select(sa.func.count()).select_from(Customer).where(Customer.school_id == school.id)
            ),
            "students": db.session.scalar(
                sa.select(sa.func.count()).select_from(Student).where(Student.school_id == school.id)
            ),
        }
        orders = db.session.scalars(sa.select(Order).where(Order.school_id == school.id)).all()
        in_progress = sum(1 for o in orders if o.state in IN_PROGRESS)
        this_year = sum(1 for o in orders if o.state is not OrderState.DRAFT and o.created_at.date() >= start)
        a = shown[school.id]
        assert (a.customers, a.students, a.in_progress, a.orders_this_year) == (
            counts["customers"],
            counts["students"],
            in_progress,
            this_year,
        )
    mine, theirs = shown[world.school.id], shown[world.other_school.id]
    assert (mine.invoiced, mine.overdue, mine.overdue_count) == (Decimal("90.00"), Decimal("1119.00"), 2)
    assert (theirs.invoiced, theirs.overdue, theirs.overdue_count) == (Decimal("50.00"), Decimal("0"), 0)
    assert mine.in_progress == 1 and mine.students == 1 and theirs.students == 0
    assert (mine.administrators, theirs.administrators) == (1, 1)


def test_the_operator_sees_every_school_s_figures_and_no_student(client: Any, world: Any) -> None:
    login_as(client, world.operator)
    page = client.get("/platform/schools").get_data(as_text=True)
    assert "École Alpha" in page and "École Bravo" in page
    assert "Commandes en cours" in page and "Facturé HT, 12 derniers mois" in page
    assert "Secretnom" not in page
