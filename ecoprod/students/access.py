"""Who sees the students' records: the school's administrators (masters reach their students through planning).
The orders' pattern (``ecoprod.visibility``): ``visible_*`` for lists, ``load_*_or_404``
for one record, 404 for what one may not see."""

from __future__ import annotations

import sqlalchemy as sa

from ecoprod.accounts.models import User
from ecoprod.students.models import Student
from ecoprod.visibility import found_if, visible_if


def can_see(user: User) -> bool:
    return user.is_admin


def visible_students(user: User) -> sa.Select[tuple[Student]]:
    return visible_if(can_see(user), Student)


def load_student_or_404(student_id: int, user: User) -> Student:
    return found_if(can_see(user), Student, student_id)
