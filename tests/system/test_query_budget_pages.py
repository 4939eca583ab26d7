"""Pages run a constant number of SQL statements, whatever the number of rows they show
(issue 9): the order page in every state and for every role, the planning board, an
operation's page, to-invoice, overdue, the dashboard and the detail pages. Rows are made
directly (no PDF), twice: a few, then more; the count must not move."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from ecoprod.delivery.models import DeliveryLine, DeliveryNote
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing.models import Invoice, InvoiceKind, InvoiceLine, InvoiceState, Payment, PaymentMethod
from ecoprod.orders.models import OrderState
from ecoprod.planning.models import (
    Assignment,
    CompetenceSignoff,
    Operation,
    OperationKind,
    OperationPhoto,
    TimeLog,
)
from ecoprod.slots import Half
from tests.conftest import login_as
from tests.factories import accepted_order, next_monday, plan_world

_counter = {"n": 0}


def statements(client, url, count_queries) -> int:
    db.session.expire_all()
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    response.close()
    return counter.count


def _n() -> int:
    _counter["n"] += 1
    return _counter["n"]


def add_work(world, plan, order, count: int) -> None:
    """``count`` operations, each assigned, with time logged, a photo and a sign-off."""
    monday = next_monday()
    for _ in range(count):
        op = Operation(
            school_id=order.school_id,
            order_id=order.id,
            workshop_id=world.machining.id,
            position=100 + _n(),
            kind=OperationKind.MACHINE,
            name=f"Opération {_n()}",
            estimated_hours=Decimal("3.5"),
            machine_id=world.machine.id,
        )
        db.session.add(op)
        db.session.flush()
        day = monday + timedelta(days=_n())
        db.session.add_all(
            [
                Assignment(
                    school_id=order.school_id,
                    operation_id=op.id,
                    student_id=world.student.id,
                    day=day,
                    half=Half.AM,
                    hours=Decimal("3.5"),
                ),
                TimeLog(
                    school_id=order.school_id,
                    operation_id=op.id,
                    student_id=world.student.id,
                    day=local_today(),
                    hours=Decimal("1"),
                    logged_by_id=world.master.id,
                ),
                OperationPhoto(
                    school_id=order.school_id,
                    operation_id=op.id,
                    stored_name=f"p{_n()}x",
                    content_type="image/png",
                    shared_with_customer=True,
                ),
                CompetenceSignoff(
                    school_id=order.school_id,
                    student_id=world.student.id,
                    operation_id=op.id,
                    competence_id=plan.competence.id,
                    signed_by_id=world.master.id,
                ),
            ]
        )
    db.session.commit()


def add_deliveries(world, order, count: int, *, everything: bool = False) -> None:
    for _ in range(count):
        note = DeliveryNote(
            school_id=order.school_id,
            order_id=order.id,
            customer_id=order.customer_id,
            number=f"BL-TEST-{_n():04d}",
            issue_date=local_today(),
            created_by_id=world.admin.id,
        )
        for line in order.lines:
            note.lines.append(
                DeliveryLine(
                    school_id=order.school_id,
                    order_line_id=line.id,
                    description=line.description,
                    unit=line.unit,
                    ordered=line.quantity,
                    quantity=Decimal("0.001"),
                    remaining=line.quantity,
                )
            )
        db.session.add(note)
    db.session.commit()


def add_invoices(world, order, count: int, *, overdue: bool = False) -> list[Invoice]:
    made = []
    for _ in range(count):
        invoice = Invoice(
            school_id=order.school_id,
            kind=InvoiceKind.INVOICE,
            customer_id=order.customer_id,
            created_by_id=world.admin.id,
            language="fr",
        )
        invoice.orders = [order]
        invoice.lines.append(
            InvoiceLine(
                school_id=order.school_id,
                position=1,
                kind="labour",
                description="Usinage",
                unit=order.lines[0].unit,
                quantity=Decimal("0.001"),
                unit_price=Decimal("45"),
                vat_rate=Decimal("20"),
                order_id=order.id,
            )
        )
        db.session.add(invoice)
        made.append(invoice)
    db.session.commit()
    if overdue:
        from ecoprod.database import utcnow
        from ecoprod.invoicing import services
        from ecoprod.tenancy import scoped_to

        with scoped_to(db.session, order.school_id):
            for invoice in made:
                services.issue(invoice, world.admin, at=utcnow() - timedelta(days=90))
                db.session.add(
                    Payment(
                        school_id=order.school_id,
                        invoice_id=invoice.id,
                        paid_on=local_today(),
                        amount=Decimal("0.01"),
                        method=PaymentMethod.TRANSFER,
                        recorded_by_id=world.admin.id,
                    )
                )
                invoice.state = InvoiceState.PARTIALLY_PAID
            db.session.commit()
    return made


@pytest.fixture
def scene(factory, world):
    plan = plan_world(factory, world)
    order = accepted_order(
        factory,
        world,
        "Budget",
        [("labour", "Usinage", "4", "45", "20"), ("material", "Acier", "2", "10", "20")],
        state=OrderState.ACCEPTED,
    )
    return world, plan, order


def _grow(scene, state, n):
    world, plan, order = scene
    add_work(world, plan, order, n)
    if state in (OrderState.PARTIALLY_DELIVERED, OrderState.INVOICED):
        add_deliveries(world, order, n)
    if state is OrderState.INVOICED:
        add_invoices(world, order, n)


@pytest.mark.parametrize(
    "state",
    [OrderState.ACCEPTED, OrderState.IN_PRODUCTION, OrderState.PARTIALLY_DELIVERED, OrderState.INVOICED],
)
@pytest.mark.parametrize("who", ["admin", "master", "customer_user"])
def test_the_order_page_is_constant(app, scene, count_queries, state, who):
    world, _plan, order = scene
    order.state = state
    db.session.commit()
    client = login_as(app.test_client(), getattr(world, who))
    _grow(scene, state, 2)
    small = statements(client, f"/requests/{order.id}", count_queries)
    _grow(scene, state, 5)
    large = statements(client, f"/requests/{order.id}", count_queries)
    assert large == small, f"order page ({state.value}, {who}): {small} statements, then {large}"


def test_the_board_and_the_operation_page_are_constant(app, scene, count_queries):
    world, plan, order = scene
    master = login_as(app.test_client(), world.master)
    monday = next_monday()
    pages = [
        f"/planning/workshops/{world.machining.id}?week={monday}",
        f"/operations/{plan.operation.id}",
        f"/planning/workshops/{world.machining.id}/gantt",
        f"/requests/{order.id}/gantt",
        f"/planning/students/{world.student.id}",
        f"/skills/students/{world.student.id}",
        "/planning",
    ]

    def more(n):
        add_work(world, plan, order, n)
        for _ in range(n):  # more on the one operation page too
            db.session.add(
                TimeLog(
                    school_id=order.school_id,
                    operation_id=plan.operation.id,
                    student_id=world.student.id,
                    day=local_today(),
                    hours=Decimal("0.5"),
                    logged_by_id=world.master.id,
                )
            )
            db.session.add(
                OperationPhoto(
                    school_id=order.school_id,
                    operation_id=plan.operation.id,
                    stored_name=f"q{_n()}",
                    content_type="image/png",
                )
            )
            factory_student = None  # noqa: F841
        db.session.commit()

    more(2)
    small = [statements(master, url, count_queries) for url in pages]
    more(5)
    large = [statements(master, url, count_queries) for url in pages]
    assert large == small, dict(zip(pages, zip(small, large, strict=True), strict=True))


def test_invoicing_pages_are_constant(app, factory, scene, count_queries):
    world, _plan, _order = scene
    admin = login_as(app.test_client(), world.admin)
    customer = login_as(app.test_client(), world.customer_user)

    def more(n):
        for _ in range(n):
            billed = accepted_order(
                factory,
                world,
                f"Facturé {_n()}",
                [("labour", "Usinage", "4", "45", "20")],
                state=OrderState.DELIVERED,
            )
            add_deliveries(world, billed, 1)
            add_invoices(world, billed, 1, overdue=True)
            waiting = accepted_order(
                factory,
                world,
                f"Attend sa facture {_n()}",
                [("labour", "Usinage", "4", "45", "20"), ("material", "Acier", "2", "10", "20")],
                state=OrderState.DELIVERED,
            )
            add_deliveries(world, waiting, 1, everything=True)

    more(2)
    invoice = db.session.query(Invoice).filter(Invoice.number.is_not(None)).first()
    pages = [
        "/invoices/to-invoice",
        "/invoices/overdue",
        "/dashboard",
        "/invoices",
        "/deliveries",
        f"/invoices/{invoice.id}",
        f"/admin/customers/{world.company.id}",
    ]
    customer_pages = ["/invoices", f"/invoices/{invoice.id}"]
    small = [statements(admin, url, count_queries) for url in pages] + [
        statements(customer, url, count_queries) for url in customer_pages
    ]
    more(5)
    large = [statements(admin, url, count_queries) for url in pages] + [
        statements(customer, url, count_queries) for url in customer_pages
    ]
    assert large == small, list(zip(pages + customer_pages, zip(small, large, strict=True), strict=True))


def test_late_risk_and_moves_of_the_order_are_constant_across_workshops(app, factory, scene, count_queries):
    """``late_risk`` once read free capacity workshop by workshop, ``refresh_order`` time
    logs operation by operation."""
    from ecoprod.planning import services
    from ecoprod.tenancy import scoped_to
    from ecoprod.workshops.models import Trade

    world, _plan, order = scene
    order.promised_date = local_today() + timedelta(days=40)
    db.session.commit()

    def more(n):
        for _ in range(n):
            workshop = factory.workshop(world.school, Trade.METALWORK, name=f"Atelier {_n()}")
            factory.student(world.school, workshop)
            db.session.add(
                Operation(
                    school_id=order.school_id,
                    order_id=order.id,
                    workshop_id=workshop.id,
                    position=_n(),
                    kind=OperationKind.WELD,
                    name="Soudure",
                    estimated_hours=Decimal("7"),
                )
            )
        db.session.commit()

    def measured():
        db.session.expire_all()
        with scoped_to(db.session, world.school.id), count_queries() as counter:
            fresh = db.session.get(type(order), order.id)
            services.late_risk(fresh)
            services.refresh_order(fresh)
            db.session.rollback()
        return counter.count

    more(2)
    small = measured()
    more(5)
    assert measured() == small
