"""Who plans what: admins everywhere, masters in their workshops and for their trades' orders.

The orders' pattern: ``load_*_or_404(id, user)`` answers 404 for what a user does not see
(the school's staff see its planning); ``*_to_manage`` and ``order_to_plan`` answer 403 for
what they see but is not theirs to manage; the role decorators of ``accounts.permissions``
answer 403 before that for a sign-in of the wrong kind.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort

from ecoprod.accounts.models import User
from ecoprod.extensions import db
from ecoprod.orders import access as orders_access
from ecoprod.orders.models import Order
from ecoprod.planning.models import CalendarFeed, Operation, OperationPhoto
from ecoprod.students.models import Student
from ecoprod.visibility import found_if
from ecoprod.workshops.models import Workshop, workshop_masters


def can_plan_order(user: User, order: Order) -> bool:
    return user.is_admin or orders_access.is_master_of(user, order)


def can_manage_workshop(user: User, workshop: Workshop) -> bool:
    return workshop.id in manageable_workshop_ids(user, [workshop])


def manageable_workshop_ids(user: User, workshops: list[Workshop]) -> set[int]:
    """The workshops of the list the user manages, in one indexed lookup at most (rather than
    loading the user's workshops: busy pages ask this often)."""
    if user.is_admin:
        return {w.id for w in workshops}
    if not user.is_master:
        return set()
    return set(
        db.session.scalars(
            sa.select(workshop_masters.c.workshop_id).where(
                workshop_masters.c.user_id == user.id,
                workshop_masters.c.workshop_id.in_([w.id for w in workshops]),
            )
        )
    )


def can_manage_operation(user: User, operation: Operation) -> bool:
    return can_manage_workshop(user, operation.workshop) or can_plan_order(user, operation.order)


def can_manage_student(user: User, student: Student) -> bool:
    return user.is_admin or (user.is_master and student.workshop_id in {w.id for w in user.workshops})


def can_see_photo(user: User, photo: OperationPhoto) -> bool:
    """Staff see every photo; a customer only those shared, of their own company's orders."""
    if user.is_staff:
        return True
    if user.is_customer:
        return photo.shared_with_customer and photo.operation.order.customer_id == user.customer_id
    return False


def can_give_sign_in(user: User, student: Student) -> bool:
    """The tablet's sign-in is given by an administrator."""
    return user.is_admin


def workshop_or_404(workshop_id: int) -> Workshop:
    return db.get_or_404(Workshop, workshop_id)


def operation_or_404(operation_id: int) -> Operation:
    return db.get_or_404(Operation, operation_id)


def student_or_404(student_id: int) -> Student:
    return db.get_or_404(Student, student_id)


def require(allowed: bool) -> None:
    """403 for what the user sees but may not do."""
    if not allowed:
        abort(403)


def load_operation_or_404(operation_id: int, user: User) -> Operation:
    """The school's staff see every operation (the student's tablet has its own loader)."""
    return found_if(user.is_staff, Operation, operation_id)


def load_student_or_404(student_id: int, user: User) -> Student:
    return found_if(user.is_staff, Student, student_id)


def load_workshop_or_404(workshop_id: int, user: User) -> Workshop:
    return found_if(user.is_staff, Workshop, workshop_id)


def _board_row(manages: sa.ColumnElement[bool]) -> sa.Select[Any]:
    feed = sa.orm.aliased(CalendarFeed)
    return (
        sa.select(Workshop, manages.label("manages"), feed)
        .outerjoin(
            feed,
            sa.and_(
                feed.owner_id == sa.bindparam("user_id"),
                feed.workshop_id == Workshop.id,
                feed.student_id.is_(None),
                feed.revoked_at.is_(None),
            ),
        )
        .where(Workshop.id == sa.bindparam("workshop_id"))
    )


# Built once, with parameters (the board asks at every request): a master manages the
# workshops they are a master of; an admin, every workshop.
_MASTERS_BOARD = _board_row(
    sa.exists().where(
        workshop_masters.c.user_id == sa.bindparam("user_id"), workshop_masters.c.workshop_id == Workshop.id
    )
)
_ADMINS_BOARD = _board_row(sa.literal(True))


def board_workshop_or_404(workshop_id: int, user: User) -> tuple[Workshop, bool, CalendarFeed | None]:
    """The board's one query: the workshop (404 for who may not see it), whether the user
    manages it (``can_manage_workshop``), and the user's calendar address for it if any."""
    if not user.is_staff:
        abort(404)
    stmt = _MASTERS_BOARD if user.is_master else _ADMINS_BOARD  # staff: masters and admins
    row = db.session.execute(stmt, {"user_id": user.id, "workshop_id": workshop_id}).first()
    if row is None:
        abort(404)
    return row[0], bool(row[1]), row[2]


def operation_to_manage(operation_id: int, user: User) -> Operation:
    """404 for an operation the user does not see, 403 for one that is not theirs to manage."""
    operation = load_operation_or_404(operation_id, user)
    require(can_manage_operation(user, operation))
    return operation


def student_to_manage(student_id: int, user: User) -> Student:
    student = load_student_or_404(student_id, user)
    require(can_manage_student(user, student))
    return student


def workshop_to_manage(workshop_id: int, user: User) -> Workshop:
    workshop = load_workshop_or_404(workshop_id, user)
    require(can_manage_workshop(user, workshop))
    return workshop


def order_to_plan(order_id: int, user: User) -> Order:
    order = orders_access.load_order_or_404(order_id, user)
    require(can_plan_order(user, order))
    return order


def load_photo_or_404(photo_id: int, user: User) -> OperationPhoto:
    photo = db.get_or_404(OperationPhoto, photo_id)
    if not can_see_photo(user, photo):
        abort(404)
    return photo


def workshop_students(workshop: Workshop) -> list[Student]:
    return list(
        db.session.scalars(
            sa.select(Student)
            .where(Student.workshop_id == workshop.id, Student.archived_at.is_(None))
            .order_by(Student.last_name, Student.first_name)
        )
    )


def own_student(user: User) -> Student | None:
    """The student record of a student's sign-in."""
    if not user.is_student:
        return None
    return db.session.scalars(sa.select(Student).where(Student.user_id == user.id)).one_or_none()
