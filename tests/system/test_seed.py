"""The demo and benchmark data sets load, and their logins work."""

from datetime import date, datetime, time

import pytest
import sqlalchemy as sa
import time_machine

from ecoprod import documents
from ecoprod.accounts.models import Role, User
from ecoprod.conversations.models import OrderMessage
from ecoprod.customers.models import Customer
from ecoprod.delivery.models import DeliveryNote
from ecoprod.extensions import db
from ecoprod.i18n import SCHOOL_TIMEZONE, local_today
from ecoprod.invoicing import services as invoicing
from ecoprod.invoicing.models import Invoice, InvoiceKind, InvoiceState
from ecoprod.minors.models import DerogationDeclaration
from ecoprod.notifications.models import OutboxEmail
from ecoprod.orders.models import Order, OrderState
from ecoprod.planning.models import Assignment, CalendarEvent, Operation, OperationStatus, TimeLog
from ecoprod.previews.models import Preview, PreviewStatus
from ecoprod.quotes.models import Quote, QuoteState
from ecoprod.schools.models import School
from ecoprod.students.models import Student
from ecoprod.tenancy import scoped_to
from ecoprod.workshops.models import Workshop
from tests.conftest import sign_in


def count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_seed_demo_builds_two_schools_with_requests_in_every_state(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    assert count(School) == 2
    assert count(Workshop) == 6
    assert count(Student) == 30
    assert count(Customer) == 12  # 10 companies, 2 individuals (e-reported sales)
    states = set(db.session.scalars(sa.select(Order.state).distinct()))
    assert states == {
        OrderState.DRAFT,
        OrderState.SUBMITTED,
        OrderState.QUOTED,
        OrderState.ACCEPTED,
        OrderState.PLANNED,
        OrderState.IN_PRODUCTION,
        OrderState.PARTIALLY_DELIVERED,
        OrderState.DELIVERED,
        OrderState.INVOICED,
        OrderState.DECLINED,
        OrderState.CANCELLED,
    }
    quote_states = set(db.session.scalars(sa.select(Quote.state).distinct()))
    assert quote_states == {QuoteState.SENT, QuoteState.ACCEPTED, QuoteState.DECLINED}
    # A conversation with an internal note, and a question still unanswered.
    internal = list(db.session.scalars(sa.select(OrderMessage.internal).order_by(OrderMessage.id)))
    assert internal == [False, True, False, False]
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Quote).where(Quote.pdf_sha256.is_(None)))
        == 0
    )
    # A request with a PDF and a DXF drawing, their previews made by the seeding's jobs.
    made = dict(db.session.execute(sa.select(Preview.file_kind, Preview.status)).all())
    assert made == {"pdf": PreviewStatus.READY, "dxf": PreviewStatus.READY}
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Quote)
            .where(Quote.state == QuoteState.ACCEPTED, Quote.accepted_copy_sha256.is_(None))
        )
        == 0
    )
    assert count(OutboxEmail) == 0
    # Planning: operations from routings, placed by the auto-planner, work started, the registers.
    assert count(Operation, Operation.status == OperationStatus.TODO) == 0
    assert count(Assignment) >= 20
    in_production = sa.select(Order.id).where(Order.state == OrderState.IN_PRODUCTION)
    assert count(TimeLog, TimeLog.operation.has(Operation.order_id.in_(in_production))) == 2
    assert count(DerogationDeclaration) == 2
    assert count(CalendarEvent) >= 8
    assert count(User, User.role == Role.STUDENT) == 2
    for workshop in db.session.scalars(sa.select(Workshop)):
        assert workshop.masters, f"{workshop.name} has no master"
    # Deliveries and invoices (first school): every state, through the real services.
    notes = db.session.scalars(sa.select(DeliveryNote)).all()
    assert len(notes) >= 3
    assert all(documents.read(n.school_id, n.pdf_sha256) for n in notes)
    partial = db.session.scalars(sa.select(Order).where(Order.state == OrderState.PARTIALLY_DELIVERED)).one()
    (note,) = [n for n in notes if n.order_id == partial.id]
    assert note.reservations and note.received_by.role is Role.CUSTOMER  # received online
    delivered = db.session.scalars(sa.select(Order).where(Order.state == OrderState.DELIVERED)).one()
    first, second = sorted((n for n in notes if n.order_id == delivered.id), key=lambda n: n.number)
    assert first.received and first.received_by.role is Role.ADMIN  # recorded by the school
    assert not second.received
    invoices = db.session.scalars(sa.select(Invoice)).all()
    kinds = {(i.kind, i.state) for i in invoices}
    assert (InvoiceKind.DEPOSIT, InvoiceState.PAID) in kinds
    assert (InvoiceKind.INVOICE, InvoiceState.PAID) in kinds
    assert (InvoiceKind.INVOICE, InvoiceState.DRAFT) in kinds
    deducted = [i for i in invoices if i.kind is InvoiceKind.INVOICE and i.prepaid > 0]
    assert [i.state for i in deducted] == [InvoiceState.PARTIALLY_PAID]
    assert 0 < deducted[0].balance < deducted[0].amount_due
    deposit = next(i for i in invoices if i.kind is InvoiceKind.DEPOSIT)
    assert deposit.deducted_in_id == deducted[0].id and deposit.total_gross == deducted[0].prepaid
    credit = next(i for i in invoices if i.kind is InvoiceKind.CREDIT_NOTE)
    assert credit.number and credit.credited_invoice.number
    assert credit.total_gross < credit.credited_invoice.total_gross  # a partial credit note
    today = local_today()
    overdue = [i for i in invoices if i.due_date and i.due_date < today and i.balance > 0 and i.number]
    assert overdue and all(i.kind is not InvoiceKind.CREDIT_NOTE for i in overdue)
    with scoped_to(db.session, overdue[0].school_id):
        late = invoicing.overdue()
    assert [(i.id, days) for i, days in late] == [(overdue[0].id, (today - overdue[0].due_date).days)]
    assert late[0][1] > 0 and overdue[0].last_reminder_on
    draft = next(i for i in invoices if i.is_draft)
    assert draft.orders == [delivered] and not draft.pdf_sha256  # left for the administrator to issue
    issued = [i for i in invoices if i.number]
    assert len(issued) >= 5
    assert all(documents.read(i.school_id, i.pdf_sha256) for i in issued)
    numbers = sorted((i.issue_date, i.number) for i in issued if i.kind is not InvoiceKind.CREDIT_NOTE)
    assert [n for _d, n in numbers] == sorted(n for _d, n in numbers)  # numbered in date order
    customer_companies = {
        u.customer_id for u in db.session.scalars(sa.select(User).where(User.role == Role.CUSTOMER))
    }
    assert len(customer_companies) >= 2
    # seeding twice is refused; --if-empty makes it a no-op for `make run`
    assert runner.invoke(args=["seed", "demo"]).exit_code != 0
    assert runner.invoke(args=["seed", "demo", "--if-empty"]).exit_code == 0
    logins = runner.invoke(args=["seed", "logins"]).output
    assert "admin@lumiere.example.com" in logins
    assert "admin@nord.example.com" in logins


def test_demo_logins_sign_in(app):
    app.test_cli_runner().invoke(args=["seed", "demo"])
    for email in (
        "admin@lumiere.example.com",
        "usinage@lumiere.example.com",
        "achats@mecarhone.example.com",
        "eleve@lumiere.example.com",
    ):
        assert sign_in(app.test_client(), email, "ecoprod-demo").status_code == 302
    # The delivery and invoicing pages show the demo's documents.
    late = db.session.scalars(sa.select(Invoice).where(Invoice.last_reminder_on.is_not(None))).one()
    admin = app.test_client()
    sign_in(admin, "admin@lumiere.example.com", "ecoprod-demo")
    for page in ("/invoices", "/invoices/to-invoice", "/deliveries"):
        assert admin.get(page).status_code == 200, page
    assert late.number in admin.get("/invoices/overdue").get_data(as_text=True)
    for invoice_id in db.session.scalars(sa.select(Invoice.id)):  # a draft opens on its edit page
        assert admin.get(f"/invoices/{invoice_id}", follow_redirects=True).status_code == 200
    customer = app.test_client()
    sign_in(customer, "achats@mecarhone.example.com", "ecoprod-demo")
    assert late.number in customer.get("/invoices").get_data(as_text=True)
    received = db.session.scalars(sa.select(DeliveryNote).where(DeliveryNote.reservations.is_not(None))).one()
    assert "traces de choc" in customer.get(f"/deliveries/{received.id}").get_data(as_text=True)


def test_seed_large_builds_the_requested_number_of_orders(app):
    result = app.test_cli_runner().invoke(args=["seed", "large", "--orders", "300", "--customers", "20"])
    assert result.exit_code == 0, result.output
    school = db.session.scalars(sa.select(School).where(School.slug == "bench")).one()
    assert count(Order, Order.school_id == school.id) == 300
    numbers = db.session.scalars(sa.select(Order.number).where(Order.number.is_not(None))).all()
    assert len(numbers) == len(set(numbers))
    assert sign_in(app.test_client(), "client0001@bench.example.com", "ecoprod-demo").status_code == 302


@pytest.mark.parametrize("day", ["2027-01-02", "2026-12-24", "2027-02-20", "2027-08-15", "2027-06-09"])
def test_the_demo_loads_whatever_day_it_is(app, day):
    """Holidays, weekends, exams: the demo's past obeys the time-log rules on any day."""
    with time_machine.travel(datetime.combine(date.fromisoformat(day), time(9), SCHOOL_TIMEZONE), tick=True):
        result = app.test_cli_runner().invoke(args=["seed", "demo"])
        assert result.exit_code == 0, result.output
        assert count(TimeLog) > 0
        assert count(Invoice, Invoice.number.is_not(None)) > 0
