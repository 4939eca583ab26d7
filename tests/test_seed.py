"""The demo and benchmark data sets load, and their logins work."""

import sqlalchemy as sa

from ecoprod.accounts.models import Role, User
from ecoprod.customers.models import Customer
from ecoprod.extensions import db
from ecoprod.minors.models import DerogationDeclaration
from ecoprod.notifications.models import OutboxEmail
from ecoprod.orders.models import Order, OrderState
from ecoprod.planning.models import Assignment, CalendarEvent, Operation, OperationStatus, TimeLog
from ecoprod.quotes.models import Quote, QuoteState
from ecoprod.schools.models import School
from ecoprod.students.models import Student
from ecoprod.workshops.models import Workshop
from tests.test_auth import sign_in


def count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_seed_demo_builds_two_schools_with_requests_in_every_state(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    assert count(School) == 2
    assert count(Workshop) == 6
    assert count(Student) == 30
    assert count(Customer) == 10
    states = set(db.session.scalars(sa.select(Order.state).distinct()))
    assert states == {
        OrderState.DRAFT,
        OrderState.SUBMITTED,
        OrderState.QUOTED,
        OrderState.ACCEPTED,
        OrderState.PLANNED,
        OrderState.IN_PRODUCTION,
        OrderState.DECLINED,
        OrderState.CANCELLED,
    }
    quote_states = set(db.session.scalars(sa.select(Quote.state).distinct()))
    assert quote_states == {QuoteState.SENT, QuoteState.ACCEPTED, QuoteState.DECLINED}
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Quote).where(Quote.pdf_file.is_(None))) == 0
    )
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Quote)
            .where(Quote.state == QuoteState.ACCEPTED, Quote.accepted_pdf_file.is_(None))
        )
        == 0
    )
    assert count(OutboxEmail) == 0
    # Planning: operations from routings, placed by the auto-planner, work started, the registers.
    assert count(Operation, Operation.status == OperationStatus.TODO) == 0
    assert count(Assignment) >= 20
    assert count(TimeLog) == 2
    assert count(DerogationDeclaration) == 2
    assert count(CalendarEvent) >= 8
    assert count(User, User.role == Role.STUDENT) == 2
    for workshop in db.session.scalars(sa.select(Workshop)):
        assert workshop.masters, f"{workshop.name} has no master"
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


def test_seed_large_builds_the_requested_number_of_orders(app):
    result = app.test_cli_runner().invoke(args=["seed", "large", "--orders", "300", "--customers", "20"])
    assert result.exit_code == 0, result.output
    school = db.session.scalars(sa.select(School).where(School.slug == "bench")).one()
    assert count(Order, Order.school_id == school.id) == 300
    numbers = db.session.scalars(sa.select(Order.number).where(Order.number.is_not(None))).all()
    assert len(numbers) == len(set(numbers))
    assert sign_in(app.test_client(), "client0001@bench.example.com", "ecoprod-demo").status_code == 302
