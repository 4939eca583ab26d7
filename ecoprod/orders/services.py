"""Named actions on order requests. They change data and flush; the caller commits.

How is a request submitted? ``submit``. Declined? ``decline``. Everything an order goes
through is a function here, called by the views and by the tests alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from ecoprod import signals
from ecoprod.accounts.models import Role, User, UserStatus
from ecoprod.database import Address, utcnow
from ecoprod.errors import ActionRefused
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.i18n import local_today
from ecoprod.notifications.outbox import external_url, queue_email
from ecoprod.numbering import next_number
from ecoprod.orders import access, lifecycle
from ecoprod.orders.models import Attachment, Order, OrderLine, OrderState, Unit
from ecoprod.schools.models import School
from ecoprod.storage import InspectedFile, file_store
from ecoprod.workshops.models import Trade, Workshop, workshop_masters


class OrderError(ActionRefused):
    """A refused action on an order; the message is for the user."""


@dataclass
class LineInput:
    description: str
    quantity: Decimal
    trade: Trade
    unit: Unit = Unit.PIECE
    material: str | None = None
    notes: str | None = None


@dataclass
class RequestInput:
    title: str
    lines: list[LineInput]
    customer_reference: str | None = None
    desired_date: date | None = None
    delivery_address: Address = field(default_factory=Address)
    notes: str | None = None


def offered_trades() -> list[Trade]:
    """The trades the school can take orders for: those of its active workshops."""
    trades = db.session.scalars(sa.select(Workshop.trade).where(Workshop.archived_at.is_(None)).distinct())
    return sorted(set(trades), key=lambda trade: trade.label)


@dataclass(frozen=True)
class LineSummary:
    trades: list[Trade]
    count: int


# Built once: the inbox asks it at every request.
_LINE_SUMMARIES = (
    sa.select(OrderLine.order_id, OrderLine.trade, sa.func.count())
    .where(OrderLine.order_id.in_(sa.bindparam("order_ids", expanding=True)))
    .group_by(OrderLine.order_id, OrderLine.trade)
)


def line_summaries(order_ids: Sequence[int]) -> dict[int, LineSummary]:
    """Trades and number of lines of each order, in one light query (no line objects)."""
    rows = db.session.execute(_LINE_SUMMARIES, {"order_ids": list(order_ids)})
    trades: dict[int, list[Trade]] = {order_id: [] for order_id in order_ids}
    counts: dict[int, int] = dict.fromkeys(order_ids, 0)
    for order_id, trade, count in rows:
        trades[order_id].append(trade)
        counts[order_id] += count
    return {
        order_id: LineSummary(sorted(trades[order_id], key=lambda t: t.value), counts[order_id])
        for order_id in order_ids
    }


# --- Drafts ----------------------------------------------------------------------------


def _check(data: RequestInput) -> None:
    if not data.title or not data.title.strip():
        raise OrderError(str(_l("A request needs a title.")))
    if not data.lines:
        raise OrderError(str(_l("A request needs at least one line.")))
    if any(line.quantity is None or line.quantity <= 0 for line in data.lines):
        raise OrderError(str(_l("Every line needs a quantity above zero.")))


def _apply(order: Order, data: RequestInput) -> None:
    order.title = data.title
    order.customer_reference = data.customer_reference
    order.desired_date = data.desired_date
    order.delivery_address = data.delivery_address
    order.notes = data.notes
    order.lines.clear()
    db.session.flush()
    for position, line in enumerate(data.lines, start=1):
        order.lines.append(
            OrderLine(
                school_id=order.school_id,
                position=position,
                description=line.description,
                material=line.material,
                quantity=line.quantity,
                unit=line.unit,
                trade=line.trade,
                notes=line.notes,
            )
        )


def create_draft(user: User, data: RequestInput, drawings: Sequence[InspectedFile] = ()) -> Order:
    if not user.is_customer or user.customer_id is None:
        raise OrderError(str(_l("Only a customer user can create a request.")))
    _check(data)
    order = Order(
        school_id=user.school_id,
        customer_id=user.customer_id,
        created_by=user,
        state=OrderState.DRAFT,
    )
    db.session.add(order)
    _apply(order, data)
    lifecycle.record_creation(order, user)
    db.session.flush()
    attach_drawings(order, drawings, user)
    return order


def update_draft(
    order: Order, user: User, data: RequestInput, drawings: Sequence[InspectedFile] = ()
) -> None:
    if not access.can_edit(user, order):
        raise OrderError(str(_l("Only a draft of your company can be changed.")))
    _check(data)
    _apply(order, data)
    attach_drawings(order, drawings, user)


def attach_drawings(order: Order, drawings: Sequence[InspectedFile], user: User) -> list[Attachment]:
    """Store the files and link them to the order.

    The files are written at once and removed again if the transaction rolls back.
    """
    if order.state is not OrderState.DRAFT:
        raise OrderError(str(_l("Drawings can only be added to a draft.")))
    limit = current_app.config["UPLOAD_MAX_FILES"]
    if len(order.attachments) + len(drawings) > limit:
        raise OrderError(str(_l("A request can have %(n)s drawings at most.", n=limit)))
    store = file_store()
    attachments = []
    for drawing in drawings:
        stored_name = store.save(order.school_id, drawing.data, db.session)
        attachment = Attachment(
            school_id=order.school_id,
            original_name=drawing.original_name,
            stored_name=stored_name,
            kind=drawing.kind.name,
            content_type=drawing.kind.content_type,
            size=drawing.size,
            sha256=drawing.sha256,
            uploaded_by_id=user.id,
        )
        order.attachments.append(attachment)
        attachments.append(attachment)
    db.session.flush()
    if attachments:
        signals.drawings_attached.send(order, attachments=attachments)
    return attachments


def remove_attachment(attachment: Attachment, user: User) -> None:
    if not access.can_edit(user, attachment.order):
        raise OrderError(str(_l("Drawings can only be removed from a draft of your company.")))
    file_store().delete(attachment.school_id, attachment.stored_name, db.session)
    db.session.delete(attachment)


def reorder(order: Order, user: User) -> Order:
    """A new request of the same lines and drawings (the files copied: each request owns its
    own), that refers to the order it repeats. A customer gets a draft to check and send;
    staff taking the order for them send it to the school at once."""
    if not access.can_reorder(user, order):
        raise OrderError(str(_l("Only a delivered order of your company can be ordered again.")))
    lines = [
        LineInput(ln.description, ln.quantity, ln.trade, ln.unit, ln.material, ln.notes) for ln in order.lines
    ]
    copy = Order(
        school_id=order.school_id,
        customer_id=order.customer_id,
        created_by=user,
        state=OrderState.DRAFT,
        reorder_of_id=order.id,
    )
    db.session.add(copy)
    _apply(
        copy,
        RequestInput(
            title=order.title,
            lines=lines,
            delivery_address=order.delivery_address,
            notes=order.notes,
        ),
    )
    lifecycle.record_creation(copy, user)
    db.session.flush()
    store = file_store()
    for attachment in order.attachments:
        data = store.path(order.school_id, attachment.stored_name).read_bytes()
        copy.attachments.append(
            Attachment(
                school_id=order.school_id,
                original_name=attachment.original_name,
                stored_name=store.save(order.school_id, data, db.session),
                kind=attachment.kind,
                content_type=attachment.content_type,
                size=attachment.size,
                sha256=attachment.sha256,
                uploaded_by_id=user.id,
            )
        )
    db.session.flush()
    if copy.attachments:
        signals.drawings_attached.send(copy, attachments=list(copy.attachments))
    if user.is_staff:
        _send_to_school(copy, user)
    return copy


# --- Transitions ------------------------------------------------------------------------


def submit(order: Order, user: User) -> None:
    """Send the draft to the school: it gets its number and the masters of its trades hear of it."""
    if not access.can_submit(user, order):
        raise OrderError(str(_l("Only a draft of your company can be submitted.")))
    _send_to_school(order, user)


def _send_to_school(order: Order, user: User) -> None:
    if not order.lines:
        raise OrderError(str(_l("A request needs at least one line.")))
    if order.desired_date is not None and order.desired_date < local_today():
        raise OrderError(str(_l("The desired delivery date is in the past.")))
    lifecycle.transition(order, OrderState.SUBMITTED, user)
    order.submitted_at = utcnow()
    school = db.session.get(School, order.school_id)
    order.number = next_number(db.session, order.school_id, school.request_prefix, order.submitted_at.year)
    _notify_new_request(order)


def staff_concerned(order: Order) -> list[User]:
    """Who at the school hears of a request: the active masters of its trades, or the
    administrators when no workshop of these trades has a master yet."""
    # The school is named explicitly as well: this also runs outside requests (seeding).
    trades = {line.trade for line in order.lines}
    masters = list(
        db.session.scalars(
            sa.select(User)
            .join(workshop_masters, workshop_masters.c.user_id == User.id)
            .join(Workshop, Workshop.id == workshop_masters.c.workshop_id)
            .where(
                Workshop.school_id == order.school_id,
                Workshop.trade.in_(trades),
                Workshop.archived_at.is_(None),
                User.status == UserStatus.ACTIVE,
            )
            .distinct()
        )
    )
    if masters:
        return masters
    # No master for these trades yet: the administrators must see it.
    return list(
        db.session.scalars(
            sa.select(User).where(
                User.school_id == order.school_id, User.role == Role.ADMIN, User.status == UserStatus.ACTIVE
            )
        )
    )


def _notify_new_request(order: Order) -> None:
    link = external_url("orders.detail", order_id=order.id)
    for user in staff_concerned(order):
        queue_email(
            user.email,
            "new_request",
            locale=user.locale,
            school_id=order.school_id,
            order=order,
            recipient=user,
            link=link,
        )


def decline(order: Order, user: User, reason: str) -> None:
    if not access.can_decline(user, order):
        raise OrderError(str(_l("You cannot decline this request.")))
    lifecycle.transition(order, OrderState.DECLINED, user, reason)
    creator = order.created_by
    queue_email(
        creator.email,
        "request_declined",
        locale=creator.locale or order.customer.language,
        school_id=order.school_id,
        order=order,
        reason=reason.strip(),
        link=external_url("orders.detail", order_id=order.id),
    )


def cancel(order: Order, user: User, reason: str) -> None:
    if not access.can_cancel(user, order):
        raise OrderError(str(_l("This request can no longer be cancelled.")))
    lifecycle.transition(order, OrderState.CANCELLED, user, reason)
