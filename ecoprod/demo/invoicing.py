"""Demo deliveries and invoices: the last weeks of one school, after the planning demo.

Five firm orders of the school's three customer companies, built through the real services:
request, quote, acceptance, operations from the routing, time logged by students the planning
rules allow on each half-day, delivery notes and their reception, deposit and final invoices,
payments, a reminder and a credit note. They leave the school in every later state: partially
delivered, delivered (a draft invoice waiting to be issued) and invoiced (paid, partly paid,
overdue).

All of it happened on past days. Services that take a date are given one (time logs,
delivery notes, receptions, payments, the reminder). What the services stamp *now* by
themselves and that the database lets change is moved back afterwards, as ``_age`` does for
the requests: the orders' history, a quote's dates before its PDF is rendered, the moment a
reception was recorded. Invoices are issued ``at`` their past moment (once numbered, their
dates are frozen by the database, migration 0007). Documents are issued in date order, so
the gap-free numbers follow the dates.
"""

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
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing import services as invoicing
from ecoprod.invoicing.models import Invoice, PaymentMethod
from ecoprod.orders import services as orders
from ecoprod.orders.models import Order, OrderState, Unit
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
from ecoprod.workshops.models import Trade, Workshop

# Long enough for the oldest quote to be still open today, when its customer accepts it.
QUOTE_VALIDITY = timedelta(days=60)


@dataclass(frozen=True)
class Story:
    """A firm order of the recent past. Days are counted back from today."""

    login: str  # the customer user who asks, accepts and receives
    trade: Trade
    title: str
    description: str
    material: str
    quantity: str
    reference: str | None
    # Quote lines: kind, description, unit, quantity, unit price (excl. VAT)
    lines: tuple[tuple[LineKind, str, Unit, str, str], ...]
    asked: int
    quoted: int
    accepted: int
    work_from: int
    promised: int  # the promised delivery, kept: the (first) delivery note's day


# Oldest first: request, quote and delivery numbers follow the dates.
OVERDUE = Story(
    login="achats@mecarhone.example.com",
    trade=Trade.MACHINING,
    title="Axes de convoyeur, ligne d'emballage",
    description="Axe Ø20 mm, longueur 250 mm, avec gorge pour circlip",
    material="Acier C45",
    quantity="40",
    reference="CDE 45-0178",
    lines=(
        (
            LineKind.LABOUR,
            "Débit, tournage et gorge de circlip : 40 axes Ø20 mm, longueur 250 mm",
            Unit.HOUR,
            "9",
            "48.00",
        ),
        (LineKind.MATERIAL, "Barre rectifiée en acier C45, Ø20 mm", Unit.METRE, "10.5", "14.20"),
        (LineKind.OTHER, "Contrôle dimensionnel et rapport de mesures", Unit.FLAT, "1", "60.00"),
    ),
    asked=55,
    quoted=53,
    accepted=51,
    work_from=49,
    promised=38,
)
PAID = Story(
    login="contact@robconfluent.example.com",
    trade=Trade.METALWORK,
    title="Garde-corps de l'atelier de montage",
    description="Garde-corps droit, lisses horizontales, 3 m",
    material="Acier galvanisé",
    quantity="4",
    reference="RC-2291",
    lines=(
        (
            LineKind.LABOUR,
            "Fabrication et soudure de 4 garde-corps droits de 3 m à lisses horizontales",
            Unit.HOUR,
            "14",
            "45.00",
        ),
        (LineKind.MATERIAL, "Tubes et plats en acier galvanisé", Unit.KILOGRAM, "96", "3.40"),
        (LineKind.OTHER, "Livraison et déchargement sur site", Unit.FLAT, "1", "85.00"),
    ),
    asked=47,
    quoted=45,
    accepted=43,
    work_from=42,
    promised=32,
)
DEPOSIT = Story(
    login="bureau.etudes@alpinox.example.com",
    trade=Trade.BOILERMAKING,
    title="Carters de protection de convoyeur",
    description="Carter plié 2 mm selon plan, 2 perçages Ø8",
    material="Tôle inox 304L",
    quantity="12",
    reference="ALP-BE-0412",
    lines=(
        (
            LineKind.LABOUR,
            "Découpe, pliage et perçage de 12 carters de protection selon plan",
            Unit.HOUR,
            "10",
            "45.00",
        ),
        (LineKind.MATERIAL, "Tôle inox 304L, épaisseur 2 mm", Unit.KILOGRAM, "38", "7.90"),
    ),
    asked=35,
    quoted=33,
    accepted=30,
    work_from=27,
    promised=16,
)
TWO_DELIVERIES = Story(
    login="contact@robconfluent.example.com",
    trade=Trade.METALWORK,
    title="Supports d'étagère pour le magasin",
    description="Équerre renforcée 300 × 200",
    material="Acier S235",
    quantity="60",
    reference=None,
    lines=(
        (
            LineKind.LABOUR,
            "Découpe, soudure et ébavurage de 60 équerres renforcées 300 × 200",
            Unit.HOUR,
            "12",
            "45.00",
        ),
        (LineKind.MATERIAL, "Cornières et plats en acier S235", Unit.KILOGRAM, "84", "2.60"),
        (LineKind.OTHER, "Thermolaquage noir (sous-traité)", Unit.FLAT, "1", "180.00"),
    ),
    asked=28,
    quoted=26,
    accepted=23,
    work_from=22,
    promised=12,
)
PARTIAL = Story(
    login="achats@mecarhone.example.com",
    trade=Trade.MACHINING,
    title="Bagues d'usure de paliers",
    description="Bague Ø40/Ø30, épaisseur 12 mm",
    material="Bronze CuSn12",
    quantity="120",
    reference="CDE 45-0203",
    lines=(
        (LineKind.LABOUR, "Tournage de 120 bagues Ø40/Ø30, épaisseur 12 mm", Unit.HOUR, "12", "48.00"),
        (LineKind.MATERIAL, "Tube en bronze CuSn12, Ø42/Ø28", Unit.METRE, "1.8", "95.00"),
    ),
    asked=24,
    quoted=22,
    accepted=19,
    work_from=16,
    promised=4,
)
STORIES = (OVERDUE, PAID, DEPOSIT, TWO_DELIVERIES, PARTIAL)


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
