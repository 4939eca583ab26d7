"""Who plans what: admins everywhere, masters in their workshops and for their trades' orders."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from ecoprod.accounts.models import User
from ecoprod.extensions import db
from ecoprod.orders import access as orders_access
from ecoprod.orders.models import Order
from ecoprod.planning.models import Operation
from ecoprod.students.models import Student
from ecoprod.workshops.models import Workshop, workshop_masters


def can_plan_order(user: User, order: Order) -> bool:
    return user.is_admin or orders_access.is_master_of(user, order)


def can_manage_workshop(user: User, workshop: Workshop) -> bool:
    if user.is_admin:
        return True
    if not user.is_master:
        return False
    # One indexed lookup rather than loading the user's workshops (busy pages ask this often).
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    workshop_masters.c.user_id == user.id, workshop_masters.c.workshop_id == workshop.id
                )
            )
        )
    )


def can_manage_operation(user: User, operation: Operation) -> bool:
    return can_manage_workshop(user, operation.workshop) or can_plan_order(user, operation.order)


def can_manage_student(user: User, student: Student) -> bool:
    return user.is_admin or (user.is_master and student.workshop_id in {w.id for w in user.workshops})


def workshop_or_404(workshop_id: int) -> Workshop:
    return db.get_or_404(Workshop, workshop_id)


def operation_or_404(operation_id: int) -> Operation:
    return db.get_or_404(Operation, operation_id)


def student_or_404(student_id: int) -> Student:
    return db.get_or_404(Student, student_id)


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)


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
