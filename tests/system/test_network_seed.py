"""``flask seed network``: many schools and years of work, bulk-inserted, keeping the rules the
services keep (numbers without gaps, totals, settlement states, lifecycle histories) — and the
checker that says so catches each kind of breach, and agrees with data the services made."""

import sqlalchemy as sa

from ecoprod.accounts.models import User
from ecoprod.demo.network import network_slug, seed_network
from ecoprod.demo.network_checks import check_school
from ecoprod.demo.story import load_demo
from ecoprod.extensions import db
from ecoprod.invoicing.models import Invoice, InvoiceKind, InvoiceState
from ecoprod.numbering import SequenceCounter, next_number
from ecoprod.orders.models import Order, OrderEvent, OrderState
from ecoprod.quotes.models import PdfStatus, Quote, QuoteState
from ecoprod.schools.models import School
from ecoprod.tenancy import scoped_to
from tests.conftest import login_as


def count(model, *where):
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(model).where(*where).execution_options(all_schools=True)
    )


def _seed(schools=2, orders=300):
    seed_network(schools, 3, orders_per_school=orders, customers_per_school=20)
    return list(db.session.scalars(sa.select(School.id).order_by(School.id)))


def test_the_network_seed_keeps_every_rule_of_the_services(app):
    school_ids = _seed()
    assert len(school_ids) == 2
    for school_id in school_ids:
        assert check_school(school_id) == []
    assert count(Order) == 600
    states = set(db.session.scalars(sa.select(Order.state).distinct().execution_options(all_schools=True)))
    assert {OrderState.SUBMITTED, OrderState.QUOTED, OrderState.INVOICED, OrderState.DECLINED} <= states
    assert count(Invoice, Invoice.kind == InvoiceKind.DEPOSIT) > 0
    assert count(Invoice, Invoice.kind == InvoiceKind.CREDIT_NOTE) > 0
    assert count(Invoice, Invoice.state == InvoiceState.ISSUED, Invoice.kind == InvoiceKind.INVOICE) > 0
    assert count(Quote, Quote.state == QuoteState.SUPERSEDED) > 0
    # Quotes awaiting an answer wait for the job queue's renderer; history carries no PDF.
    assert count(Quote, Quote.state == QuoteState.SENT, Quote.pdf_status != PdfStatus.PENDING) == 0


def test_numbers_drawn_after_the_seed_follow_on(app):
    school_id = _seed(schools=1, orders=200)[0]
    with scoped_to(db.session, school_id):
        school = db.session.get(School, school_id)
        counter = db.session.scalars(
            sa.select(SequenceCounter)
            .where(SequenceCounter.series == school.invoice_prefix)
            .order_by(SequenceCounter.year.desc())
        ).first()
        last = counter.last_value
        assert next_number(db.session, school_id, school.invoice_prefix, counter.year).endswith(
            f"{last + 1:04d}"
        )
        db.session.rollback()
        # New rows get ids after the seed's (PostgreSQL's sequences were moved on).
        order = db.session.scalars(sa.select(Order).limit(1)).one()
        event = OrderEvent(school_id=school_id, order_id=order.id, to_state=order.state, from_state=None)
        db.session.add(event)
        db.session.flush()
        assert event.id > db.session.scalar(sa.select(sa.func.min(OrderEvent.id)))
        db.session.rollback()


def test_the_checker_catches_each_kind_of_breach(app):
    school_id = _seed(schools=1, orders=200)[0]
    with scoped_to(db.session, school_id):
        counter = db.session.scalars(sa.select(SequenceCounter).limit(1)).one()
        counter.last_value += 1  # a number counted that no document carries
        invoice = db.session.scalars(
            sa.select(Invoice).where(Invoice.kind == InvoiceKind.INVOICE, Invoice.state == InvoiceState.PAID)
        ).first()
        invoice.settled = invoice.settled - 1  # paid, yet short of its amount due
        order = db.session.scalars(sa.select(Order).where(Order.state == OrderState.INVOICED)).first()
        db.session.execute(
            sa.delete(OrderEvent).where(
                OrderEvent.order_id == order.id, OrderEvent.to_state == OrderState.DELIVERED
            )
        )
        db.session.flush()
        problems = check_school(school_id)
    assert any(f"series {counter.series}" in p for p in problems)
    assert any(invoice.number in p and "settled" in p for p in problems)
    assert any(invoice.number in p and "settlement rule" in p for p in problems)
    assert any(f"order {order.id}:" in p and "lifecycle" in p for p in problems)


def test_the_checker_agrees_with_data_the_services_made(app):
    load_demo()
    for school_id in db.session.scalars(sa.select(School.id)):
        assert check_school(school_id) == []


def test_the_command_says_how_far_it_got_and_refuses_a_second_run(app, client):
    runner = app.test_cli_runner()
    args = ["seed", "network", "--schools", "2", "--years", "1", "--orders-per-school", "40",
            "--customers-per-school", "5"]  # fmt: skip
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Schools" in result.output and f"admin@{network_slug(1)}.example.com" in result.output
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "already seeded" in again.output
    # The seeded school's admin works on it through the pages.
    admin = db.session.scalars(
        sa.select(User)
        .where(User.email == f"admin@{network_slug(2)}.example.com")
        .execution_options(all_schools=True)
    ).one()
    login_as(client, admin)
    pages = ["/requests", "/quotes", "/invoices", "/invoices/overdue", "/invoices/to-invoice", "/deliveries",
             "/admin/customers/", "/admin/students/", "/planning"]  # fmt: skip
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url


def test_the_job_sweeps_leave_the_seeded_history_alone(app):
    """Three years of accepted quotes have no PDF to stamp: the sweep must not queue them
    (every minute, for ever); only the quotes awaiting an answer wait for their PDF."""
    from ecoprod.quotes import jobs

    _seed(schools=1, orders=300)
    assert jobs.accepted_without_copy_ids() == []
    waiting = set(jobs.pending_pdf_ids(failed=False))
    awaiting = set(
        db.session.scalars(
            sa.select(Quote.id).where(Quote.state == QuoteState.SENT).execution_options(all_schools=True)
        )
    )
    assert waiting == awaiting and waiting
