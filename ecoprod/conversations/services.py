"""Named actions on an order's conversation: post a message, mark it read, count what is
unread. They flush; the caller commits.

Who hears of a message (e-mails through the outbox, with a link to the order):

* a customer's message: the school's staff concerned — the active masters of the order's
  trades (the administrators when those trades have no master), and any staff member who
  has written in this conversation;
* a staff message: the active users of the customer's company;
* an internal note: the staff concerned only, never the customer.

Nobody hears of their own message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from ecoprod import audit
from ecoprod.accounts.models import User, UserStatus
from ecoprod.accounts.names import shown_name
from ecoprod.conversations import access, rules
from ecoprod.conversations.models import MessageFile, MessageRead, OrderMessage
from ecoprod.database import utcnow
from ecoprod.errors import ActionRefused
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.notifications.outbox import external_url, queue_email
from ecoprod.orders.models import Order
from ecoprod.orders.services import staff_concerned
from ecoprod.storage import IMAGE_KINDS, InspectedFile, file_store, without_metadata
from ecoprod.students.models import Student

MAX_BODY = 5000


class ConversationError(ActionRefused):
    """A message that cannot be posted; the reason is for its writer."""


@dataclass
class MessageInput:
    body: str
    internal: bool = False
    files: Sequence[InspectedFile] = field(default_factory=tuple)


# --- Reading ---------------------------------------------------------------------------------


def thread(order: Order, reader: User) -> list[OrderMessage]:
    """The messages of ``order`` that ``reader`` may read, oldest first, with their authors
    and files (three statements, whatever their number)."""
    stmt = (
        sa.select(OrderMessage)
        .where(OrderMessage.order_id == order.id)
        .options(sa.orm.joinedload(OrderMessage.author), sa.orm.selectinload(OrderMessage.files))
        .order_by(OrderMessage.id)
    )
    if not access.reads_internal(reader):
        stmt = stmt.where(OrderMessage.internal.is_(False))
    return list(db.session.scalars(stmt).unique())


def last_read(order: Order, reader: User) -> int:
    """The id of the last message ``reader`` was shown on ``order`` (0: none yet)."""
    found = db.session.scalar(
        sa.select(MessageRead.last_read_id).where(
            MessageRead.order_id == order.id, MessageRead.user_id == reader.id
        )
    )
    return found or 0


def mark_read(order: Order, reader: User, up_to: int) -> None:
    """``reader`` has been shown the conversation up to the message ``up_to``. One upsert:
    two tabs opening the page at once do not collide, and the mark never moves back."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(MessageRead).values(
        school_id=order.school_id, order_id=order.id, user_id=reader.id, last_read_id=up_to, read_at=utcnow()
    )
    later = stmt.excluded.last_read_id > MessageRead.last_read_id
    db.session.execute(
        stmt.on_conflict_do_update(
            index_elements=["user_id", "order_id"],
            set_={
                "last_read_id": sa.case((later, stmt.excluded.last_read_id), else_=MessageRead.last_read_id),
                "read_at": stmt.excluded.read_at,
            },
        )
    )


def _unread_statement(with_internal: bool) -> sa.Select[tuple[int, int]]:
    stmt = (
        sa.select(OrderMessage.order_id, sa.func.count())
        .outerjoin(
            MessageRead,
            sa.and_(
                MessageRead.order_id == OrderMessage.order_id,
                MessageRead.user_id == sa.bindparam("reader_id"),
            ),
        )
        .where(
            OrderMessage.order_id.in_(sa.bindparam("order_ids", expanding=True)),
            OrderMessage.author_id != sa.bindparam("reader_id"),
            OrderMessage.id > sa.func.coalesce(MessageRead.last_read_id, 0),
        )
        .group_by(OrderMessage.order_id)
    )
    return stmt if with_internal else stmt.where(OrderMessage.internal.is_(False))


# Built once (a list asks at every request): staff count internal notes, customers do not.
_UNREAD = {True: _unread_statement(True), False: _unread_statement(False)}


def unread_counts(reader: User, order_ids: Sequence[int]) -> dict[int, int]:
    """For each of these orders with unread messages, how many ``reader`` has not been
    shown yet (others' messages after their mark): one statement for a page of orders,
    asked even for an empty page (a list sends as many statements whatever it shows)."""
    stmt = _UNREAD[access.reads_internal(reader)]
    rows = db.session.execute(stmt, {"reader_id": reader.id, "order_ids": list(order_ids)})
    return dict(rows.all())


# --- Writing ---------------------------------------------------------------------------------


def _student_names(school_id: int) -> list[tuple[str, str]]:
    """The school's students as the rule reads them; an erased identity is nobody's name."""
    rows = db.session.execute(
        sa.select(Student.first_name, Student.last_name).where(
            Student.school_id == school_id, Student.erased_at.is_(None)
        )
    )
    return [(first, last) for first, last in rows]


def _check(order: Order, author: User, data: MessageInput) -> None:
    if not access.can_post(author, order):
        raise ConversationError(str(_l("You cannot write on this order.")))
    if data.internal and not access.can_write_internal(author):
        raise ConversationError(str(_l("Only the school's staff write internal notes.")), field="internal")
    body = (data.body or "").strip()
    if not body:
        raise ConversationError(str(_l("Write a message.")), field="body")
    if len(body) > MAX_BODY:
        raise ConversationError(str(_l("%(n)s characters at most.", n=MAX_BODY)), field="body")
    limit = current_app.config["UPLOAD_MAX_FILES"]
    if len(data.files) > limit:
        raise ConversationError(str(_l("%(n)s files at most.", n=limit)), field="files")
    if author.is_staff and not data.internal:
        students = _student_names(order.school_id)
        for name_field, text in (("body", body), ("files", " ".join(f.original_name for f in data.files))):
            found = rules.student_names_in(text, students)
            if found:
                raise ConversationError(
                    str(
                        _l(
                            "This message names a student (%(names)s): a customer never reads a "
                            "student's name. Remove it, or tick “Internal note” to keep the message "
                            "among the staff.",
                            names=", ".join(found),
                        )
                    ),
                    field=name_field,
                )


def post(order: Order, author: User, data: MessageInput) -> OrderMessage:
    """Add a message to the order's conversation, its files stored (photos without their
    metadata), and tell whoever it concerns."""
    _check(order, author, data)
    message = OrderMessage(
        school_id=order.school_id,
        order_id=order.id,
        author_id=author.id,
        body=data.body.strip(),
        internal=data.internal,
    )
    db.session.add(message)
    store = file_store()
    for upload in data.files:
        checked = without_metadata(upload) if upload.kind in IMAGE_KINDS else upload
        message.files.append(
            MessageFile(
                school_id=order.school_id,
                original_name=checked.original_name,
                stored_name=store.save(order.school_id, checked.data, db.session),
                kind=checked.kind.name,
                content_type=checked.kind.content_type,
                size=checked.size,
                sha256=checked.sha256,
            )
        )
    db.session.flush()
    audit.record(
        "message.note_added" if message.internal else "message.posted", order, reference=order.number
    )
    _notify(order, author, message)
    return message


# --- Who hears of it --------------------------------------------------------------------------


def _staff_who_wrote(order: Order) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.id.in_(sa.select(OrderMessage.author_id).where(OrderMessage.order_id == order.id)),
                User.school_id == order.school_id,
                User.status == UserStatus.ACTIVE,
            )
            .order_by(User.id)
        )
    )


def recipients(order: Order, message: OrderMessage, author: User) -> list[User]:
    """Who is told of ``message`` (see the module's text), its author never."""
    if author.is_staff and not message.internal:
        people = list(
            db.session.scalars(
                sa.select(User)
                .where(User.customer_id == order.customer_id, User.status == UserStatus.ACTIVE)
                .order_by(User.id)
            )
        )
    else:
        people = staff_concerned(order) + [u for u in _staff_who_wrote(order) if u.is_staff]
    seen: set[int] = set()
    chosen = []
    for person in people:
        if person.id != author.id and person.id not in seen:
            seen.add(person.id)
            chosen.append(person)
    return chosen


def _notify(order: Order, author: User, message: OrderMessage) -> None:
    link = external_url("orders.detail", order_id=order.id, _anchor="messages")
    for person in recipients(order, message, author):
        queue_email(
            person.email,
            "order_message",
            locale=person.locale or (order.customer.language if person.is_customer else None),
            school_id=order.school_id,
            order=order,
            message=message,
            author_name=shown_name(author, person),
            recipient=person,
            link=link,
        )


# --- A student's erasure ----------------------------------------------------------------------


def unname(school_id: int, names: set[str], last_name: str, anonymous: str) -> None:
    """The school's messages (internal notes above all) and their files' names that carried
    one of ``names`` — or the ``last_name`` alone — carry ``anonymous`` instead: whole words,
    whatever their case (the privacy rule's erasure, ``platform.privacy.erase_student``)."""
    words = sorted({*names, last_name}, key=len, reverse=True)  # the full names first
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in words if w.strip()), re.IGNORECASE)
    found = sa.or_(*(OrderMessage.body.ilike(f"%{w}%") for w in words))
    for message in db.session.scalars(
        sa.select(OrderMessage).where(OrderMessage.school_id == school_id, found)
    ):
        message.body = pattern.sub(anonymous, message.body)
    named = sa.or_(*(MessageFile.original_name.ilike(f"%{w}%") for w in words))
    for kept in db.session.scalars(sa.select(MessageFile).where(MessageFile.school_id == school_id, named)):
        kept.original_name = pattern.sub(anonymous, kept.original_name)
