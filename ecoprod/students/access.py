"""Who sees the students' records: the school's administrators (masters reach their students through planning). The school boundary is the tenant scope's
(``ecoprod.tenancy``); the rest is here, in the orders' pattern: ``visible_*`` for lists,
``load_*_or_404`` for one record (404 for what a user may not see)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from ecoprod.accounts.models import User
from ecoprod.extensions import db
from ecoprod.students.models import Student


def can_see(user: User) -> bool:
    return user.is_admin


def visible_students(user: User) -> sa.Select[tuple[Student]]:
    stmt = sa.select(Student)
    return stmt if can_see(user) else stmt.where(sa.false())


def load_student_or_404(student_id: int, user: User) -> Student:
    student = db.get_or_404(Student, student_id)
    if not can_see(user):
        abort(404)
    return student
