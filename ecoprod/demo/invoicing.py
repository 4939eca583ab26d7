"""The demo's deliveries, invoices and payments: the stories of ``data.invoicing`` told
through the real services, on past dates."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from ecoprod.accounts.models import Role, User
from ecoprod.deferred import run_committed
from ecoprod.delivery import services as delivery
from ecoprod.delivery.models import DeliveryNote

# Long enough for the oldest quote to be still open today, when its customer accepts it.
from ecoprod.demo.data.invoicing import QUOTE_VALIDITY, STORIES, Story
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing import services as invoicing
from ecoprod.invoicing.models import Invoice, PaymentMethod
from ecoprod.orders import services as orders
from ecoprod.orders.models import Order, OrderState
from ecoprod.planning import rules
from ecoprod.planning import services as planning
from ecoprod.planning.models import OperationKind, OperationStatus, QualityResult, RoutingTemplate
from ecoprod.pricing.models import LineKind
from ecoprod.quotes import services as quotes
from ecoprod.quotes.models import Quote
from ecoprod.schools.models import School
from ecoprod.slots import HalfDay, half_days
from ecoprod.students.models import Student
from ecoprod.tenancy import scoped_to
from ecoprod.workshops.models import Workshop


@dataclass
class Built:
    """A story's order as it is being built, and when each of its states was reached."""

    story: Story
    order: Order
    quote: Quote
    customer_user: User
    workshop: Workshop
    accepted_on: date
    moments: dict[OrderState, datetime] = field(default_factory=dict)


def _day(today: date, days_ago: int) -> date:
    """That many days ago, or the Friday before when it falls on a weekend."""
    day = today - timedelta(days=days_ago)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment of that day, in UTC (office hours in Paris)."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _issue(invoice: Invoice, by: User, day: date) -> Invoice:
    return invoicing.issue(invoice, by, at=_at(day, 9, 30))


def _request_and_quote(story: Story, school_id: int, today: date) -> Built:
    """The customer's request and the master's quote, sent: its PDF is rendered on commit."""
    user = db.session.scalars(sa.select(User).where(User.email == story.login)).one()
    workshop = db.session.scalars(
        sa.select(Workshop).where(Workshop.school_id == school_id, Workshop.trade == story.trade)
    ).one()
    master = workshop.masters[0]
    data = orders.RequestInput(
        title=story.title,
        customer_reference=story.reference,
        delivery_address=user.customer.effective_delivery_address,
        lines=[
            orders.LineInput(
                description=story.description,
                material=story.material,
                quantity=Decimal(story.quantity),
                trade=story.trade,
            )
        ],
    )
    order = orders.create_draft(user, data)
    orders.submit(order, user)
    quote = quotes.start_quote(order, master)
    first = quote.lines[0]
    quoted_on = _day(today, story.quoted)
    quotes.save_draft(
        quote,
        master,
        quotes.QuoteInput(
            lines=[
                quotes.PricedLineInput(
                    kind,
                    description,
                    unit,
                    Decimal(quantity),
                    Decimal(price),
                    first.vat_rate,
                    workshop_id=first.workshop_id,
                )
                for kind, description, unit, quantity, price in story.lines
            ],
            valid_until=quoted_on + QUOTE_VALIDITY,
            promised_date=_day(today, story.promised),
            conditions=quote.conditions,
        ),
    )
    quotes.send(quote, master)
    # Dated the day it was sent, before the PDF that shows the date is rendered.
    quote.issue_date = quoted_on
    quote.sent_at = _at(quoted_on, 9)
    asked_on = _day(today, story.asked)
    built = Built(story, order, quote, user, workshop, accepted_on=_day(today, story.accepted))
    built.moments.update(
        {
            OrderState.DRAFT: _at(asked_on, 8),
            OrderState.SUBMITTED: _at(asked_on, 8, 20),
            OrderState.QUOTED: _at(quoted_on, 9),
        }
    )
    return built


def _accept(built: Built) -> None:
    """Bon pour accord, once the quote's PDF exists; the stamp is rendered on commit."""
    user = built.customer_user
    quotes.accept(built.quote, user, full_name=user.full_name, ip="192.0.2.10", user_agent="Démo")
    built.quote.answered_at = built.moments[OrderState.ACCEPTED] = _at(built.accepted_on, 13)


def _slots(start: date, end: date) -> Iterator[HalfDay]:
    yield from half_days(start, end)
    raise RuntimeError("demo: no student could do the work before today")


def _produce(built: Built, today: date, busy: set[tuple[int, HalfDay]]) -> None:
    """The workshop's usual routing, done half-day after half-day by the students the planning
    rules allow (openings, lessons, the minors' register), then inspected: the order is ready."""
    workshop, order = built.workshop, built.order
    master = workshop.masters[0]
    order.submitted_at = built.moments[OrderState.SUBMITTED]  # time is logged within the order's life
    template = db.session.scalars(
        sa.select(RoutingTemplate)
        .where(RoutingTemplate.workshop_id == workshop.id)
        .order_by(RoutingTemplate.id)
    ).first()
    students = list(
        db.session.scalars(sa.select(Student).where(Student.workshop_id == workshop.id).order_by(Student.id))
    )
    start = max(_day(today, built.story.work_from), built.accepted_on + timedelta(days=1))
    # Past half-days are what the demo records; the school calendar (this year's holidays) is
    # left out so that the history fits whatever day the demo is loaded.
    calendar_facts = dataclasses.replace(
        planning.calendar_facts(order.school_id, start, today), today=None, closed={}
    )
    facts = planning.student_facts(students, start, today)
    per_half_day = planning.hours_per_half_day(order.school_id)
    slots = _slots(start, today - timedelta(days=1))
    worked: list[date] = []
    for operation in planning.apply_template(order, template):
        operation_facts = planning.operation_facts(operation)
        left = operation.estimated_hours
        while left > 0:
            slot = next(slots)
            turn = len(worked) % len(students)
            hours = min(per_half_day, left)
            for student in students[turn:] + students[:turn]:
                if rules.slot_refusals(facts[student.id], operation_facts, slot, calendar_facts, busy):
                    continue
                try:  # the time-log rules too: a day's hours, the order's life
                    planning.log_time(operation, student, slot.day, hours, master)
                except planning.PlanningError:
                    continue
                busy.add((student.id, slot))
                worked.append(slot.day)
                left -= hours
                break
        inspection = operation.kind is OperationKind.INSPECT
        planning.update_progress(
            operation,
            planning.ProgressInput(
                OperationStatus.DONE,
                100,
                quality=QualityResult.PASSED if inspection else QualityResult.NONE,
                quality_note="Cotes et état de surface conformes au plan." if inspection else None,
            ),
            master,
        )
    if order.state is not OrderState.READY:
        raise RuntimeError(f"demo: order {order.reference} is {order.state.value}, not ready")
    built.moments[OrderState.PLANNED] = _at(worked[0], 7)
    built.moments[OrderState.IN_PRODUCTION] = _at(worked[0], 7, 5)
    built.moments[OrderState.READY] = _at(worked[-1], 15)


def _deliver(built: Built, quantity: str, day: date, by: User) -> DeliveryNote:
    if day <= built.moments[OrderState.READY].date():
        raise RuntimeError(f"demo: order {built.order.reference} delivered before it was made")
    line = built.order.lines[0]
    note = delivery.issue(built.order, {line.id: Decimal(quantity)}, by, issue_date=day)
    built.moments[built.order.state] = _at(day, 8)
    return note


def _receive(note: DeliveryNote, name: str, day: date, reservations: str | None, by: User) -> None:
    delivery.receive(note, name, day, reservations, by)
    note.received_at = _at(day, 14)


def _retime(built: Built) -> None:
    """The order's history on the days things happened (the services stamped it now)."""
    order = built.order
    order.created_at = built.moments[OrderState.DRAFT]
    order.submitted_at = built.moments[OrderState.SUBMITTED]
    for event in order.events:
        event.at = built.moments.get(event.to_state, event.at)


def seed_invoicing(school_id: int) -> None:
    """Deliveries, invoices and payments of one demo school, after its planning is seeded."""
    today = local_today()
    with scoped_to(db.session, school_id):
        school = db.session.get(School, school_id)
        admin = db.session.scalars(
            sa.select(User).where(User.school_id == school_id, User.role == Role.ADMIN).order_by(User.id)
        ).first()
        built = [_request_and_quote(story, school_id, today) for story in STORIES]
        db.session.commit()
        run_committed()  # the quotes' PDFs
        for b in built:
            _accept(b)
        db.session.commit()
        run_committed()  # the accepted copies
        overdue, paid, deposit, two_deliveries, partial = built
        busy: set[tuple[int, HalfDay]] = set()

        # Mécarhône: delivered in full, invoiced at 30 days, still unpaid.
        _produce(overdue, today, busy)
        note = _deliver(overdue, overdue.story.quantity, _day(today, overdue.story.promised), admin)
        day = _day(today, 37)
        _receive(note, overdue.customer_user.full_name, day, None, overdue.customer_user)
        late = _issue(invoicing.draft_invoice([overdue.order], admin), admin, day)
        overdue.moments[OrderState.INVOICED] = _at(day, 9, 30)

        # Robotique du Confluent: delivered, invoiced at 60 days, paid in full by transfer.
        _produce(paid, today, busy)
        note = _deliver(paid, paid.story.quantity, _day(today, paid.story.promised), admin)
        _receive(note, paid.customer_user.full_name, _day(today, 31), None, paid.customer_user)
        day = _day(today, 31)
        settled = _issue(invoicing.draft_invoice([paid.order], admin), admin, day)
        paid.moments[OrderState.INVOICED] = _at(day, 9, 30)
        invoicing.record_payment(
            settled,
            _day(today, 6),
            settled.amount_due,
            PaymentMethod.TRANSFER,
            "Virement Robotique du Confluent",
            admin,
        )

        # Alpinox: a deposit at the acceptance, paid; the final invoice deducts it, partly paid.
        day = _day(today, 28)
        advance = _issue(invoicing.draft_deposit(deposit.order, school.deposit_percent, admin), admin, day)
        invoicing.record_payment(
            advance,
            _day(today, 21),
            advance.amount_due,
            PaymentMethod.TRANSFER,
            "Virement Alpinox Industrie, acompte",
            admin,
        )
        _produce(deposit, today, busy)
        note = _deliver(deposit, deposit.story.quantity, _day(today, deposit.story.promised), admin)
        _receive(note, deposit.customer_user.full_name, _day(today, 15), None, deposit.customer_user)
        day = _day(today, 14)
        final = _issue(invoicing.draft_invoice([deposit.order], admin), admin, day)
        deposit.moments[OrderState.INVOICED] = _at(day, 9, 30)
        invoicing.record_payment(
            final,
            _day(today, 3),
            (final.amount_due / 2).quantize(Decimal("1")),
            PaymentMethod.CHEQUE,
            "Chèque n° 0004521",
            admin,
        )

        # Robotique du Confluent: two deliveries; the first, collected at the workshop, was
        # signed there and recorded by the school; the second awaits the customer's reception.
        _produce(two_deliveries, today, busy)
        day = _day(today, two_deliveries.story.promised)
        note = _deliver(two_deliveries, "36", day, admin)
        _receive(note, two_deliveries.customer_user.full_name, day, None, admin)
        _deliver(two_deliveries, "24", _day(today, 5), admin)
        invoicing.draft_invoice([two_deliveries.order], admin)  # left for the administrator to issue

        # Mécarhône: 80 of 120 rings delivered, received online with a reservation.
        _produce(partial, today, busy)
        note = _deliver(partial, "80", _day(today, partial.story.promised), admin)
        _receive(
            note,
            partial.customer_user.full_name,
            _day(today, 3),
            "Trois bagues présentent des traces de choc sur la face d'appui ; "
            "nous les gardons de côté en attendant votre avis.",
            partial.customer_user,
        )

        # The overdue invoice: a reminder, then a credit note for the measurement report that
        # never came with the axes; the rest is still due.
        invoicing.remind(late, _day(today, 2))
        report = next(line for line in late.lines if line.kind is LineKind.OTHER)
        invoicing.issue(invoicing.draft_credit_note(late, admin, [(report, report.quantity)]), admin)

        for b in built:
            _retime(b)
        db.session.flush()  # inside the school's scope
