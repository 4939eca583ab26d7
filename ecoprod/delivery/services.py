"""Delivering an order, in one or several notes, and recording their reception."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import force_locale

from ecoprod import audit, documents
from ecoprod.accounts.models import User
from ecoprod.database import utcnow
from ecoprod.delivery.models import DeliveryLine, DeliveryNote
from ecoprod.errors import ActionRefused
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.i18n import local_today
from ecoprod.numbering import next_number, numbered_issue
from ecoprod.orders import lifecycle
from ecoprod.orders.models import Order, OrderState
from ecoprod.pdf import render_pdf
from ecoprod.schools.models import School
from ecoprod.schools.services import pdf_logo
from ecoprod.storage import InspectedFile, file_store

# An order can leave in parts while the rest is still being made.
DELIVERABLE_STATES = frozenset({OrderState.IN_PRODUCTION, OrderState.READY, OrderState.PARTIALLY_DELIVERED})


class DeliveryError(ActionRefused):
    pass


def delivered_quantities(order: Order) -> dict[int, Decimal]:
    """Quantity delivered so far per order line."""
    rows = db.session.execute(
        sa.select(DeliveryLine.order_line_id, sa.func.sum(DeliveryLine.quantity))
        .join(DeliveryNote, DeliveryNote.id == DeliveryLine.delivery_note_id)
        .where(DeliveryNote.order_id == order.id)
        .group_by(DeliveryLine.order_line_id)
    )
    done: dict[int, Decimal] = defaultdict(Decimal)
    for line_id, quantity in rows:
        done[line_id] = Decimal(quantity or 0)
    return done


def delivered_of_line(order_line_id: sa.ColumnElement[int]) -> sa.ScalarSelect[Decimal]:
    """The quantity delivered of the order line ``order_line_id`` (a column of the enclosing
    query): a correlated subquery, for a query of lines to carry it (0 when none)."""
    return (
        sa.select(sa.func.coalesce(sa.func.sum(DeliveryLine.quantity), 0))
        .where(DeliveryLine.order_line_id == order_line_id)
        .scalar_subquery()
    )


def delivery_dates(orders: Iterable[Order]) -> list[date]:
    """The days the notes of these orders were issued."""
    ids = [o.id for o in orders]
    if not ids:
        return []
    return list(db.session.scalars(sa.select(DeliveryNote.issue_date).where(DeliveryNote.order_id.in_(ids))))


def remaining(order: Order) -> dict[int, Decimal]:
    """Quantity still to deliver per order line (never below zero)."""
    done = delivered_quantities(order)
    return {line.id: max(line.quantity - done[line.id], Decimal("0")) for line in order.lines}


def issue(
    order: Order, quantities: Mapping[int, Decimal], by: User, issue_date: date | None = None
) -> DeliveryNote:
    """A numbered, frozen delivery note for these quantities (per order line), and its PDF."""
    with numbered_issue(db.session):
        note = _issue(order, quantities, by, issue_date)
        audit.record("delivery.issued", note, reference=note.number, actor_id=by.id)
        return note


def _issue(
    order: Order, quantities: Mapping[int, Decimal], by: User, issue_date: date | None
) -> DeliveryNote:
    if order.state not in DELIVERABLE_STATES:
        raise DeliveryError(str(_l("Only an order in production or ready can be delivered.")))
    left = remaining(order)
    lines = {line.id: line for line in order.lines}
    if any(line_id not in lines for line_id in quantities):
        raise DeliveryError(str(_l("This line is not part of the order.")))
    errors = [
        str(
            _l(
                "Line %(n)s: at most %(left)s can still be delivered.",
                n=lines[line_id].position,
                left=f"{left[line_id].normalize():f}",
            )
        )
        for line_id, quantity in quantities.items()
        if quantity > left[line_id]
    ]
    if any(q < 0 for q in quantities.values()):
        errors.append(str(_l("A quantity cannot be negative.")))
    if errors:
        raise DeliveryError(" ".join(errors))
    if not any(q > 0 for q in quantities.values()):
        raise DeliveryError(str(_l("Deliver at least one item.")))
    school = db.session.get(School, order.school_id)
    day = issue_date or local_today()
    note = DeliveryNote(
        school_id=order.school_id,
        order_id=order.id,
        customer_id=order.customer_id,
        number=next_number(db.session, order.school_id, school.delivery_prefix, day.year),
        issue_date=day,
        delivery_address=order.delivery_address
        if order.delivery_address and not order.delivery_address.is_empty()
        else order.customer.effective_delivery_address,
        customer_reference=order.customer_reference,
        created_by_id=by.id,
    )
    for position, line in enumerate(sorted(order.lines, key=lambda line: line.position), start=1):
        quantity = quantities.get(line.id, Decimal("0"))
        if quantity <= 0:
            continue
        note.lines.append(
            DeliveryLine(
                school_id=order.school_id,
                order_line_id=line.id,
                position=position,
                description=line.description,
                unit=line.unit,
                ordered=line.quantity,
                quantity=quantity,
                remaining=left[line.id] - quantity,
            )
        )
    db.session.add(note)
    db.session.flush()
    everything = all(v <= 0 for v in remaining(order).values())
    target = OrderState.DELIVERED if everything else OrderState.PARTIALLY_DELIVERED
    if order.state is not target:
        if order.state is OrderState.IN_PRODUCTION and target is OrderState.DELIVERED:
            lifecycle.transition(order, OrderState.READY, by)
        lifecycle.transition(order, target, by)
    data = render(note)
    note.pdf_sha256 = documents.keep(db.session, note.school_id, data)
    return note


def render(note: DeliveryNote) -> bytes:
    school = db.session.get(School, note.school_id)
    with force_locale(note.customer.language or "fr"):
        return render_pdf(
            "pdf/delivery_note.html", note=note, school=school, order=note.order, logo=pdf_logo(school)
        )


def receive(note: DeliveryNote, name: str, received_on: date, reservations: str | None, by: User) -> None:
    """The customer (or the school for them) says the goods arrived, with any reservations."""
    if note.received:
        raise DeliveryError(str(_l("This delivery has already been received.")))
    if received_on < note.issue_date or received_on > local_today():
        raise DeliveryError(str(_l("The reception date is between the delivery and today.")))
    note.received_name = name.strip()
    note.received_on = received_on
    note.reservations = (reservations or "").strip() or None
    note.received_by_id = by.id
    note.received_at = utcnow()


def attach_scan(note: DeliveryNote, scan: InspectedFile, received_on: date, by: User) -> None:
    """The signed paper note, scanned by the school: it records the reception too."""
    if note.scan_file:
        file_store().delete(note.school_id, note.scan_file, db.session)
    note.scan_file = file_store().save(note.school_id, scan.data, db.session)
    note.scan_content_type = scan.kind.content_type
    if not note.received:
        note.received_name = note.received_name or str(_l("Signed note (scan)"))
        note.received_on = received_on
        note.received_by_id = by.id
        note.received_at = utcnow()
