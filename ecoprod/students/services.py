"""Named actions on students."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ecoprod.database import utcnow
from ecoprod.errors import ActionRefused
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.signals import student_archived
from ecoprod.students.models import Student
from ecoprod.workshops.models import Trade


@dataclass
class StudentInput:
    first_name: str
    last_name: str
    birth_date: date
    trade: Trade
    training_year: int = 1
    workshop_id: int | None = None
    student_number: str | None = None


class StudentError(ActionRefused):
    pass


def save_student(student: Student | None, school_id: int, data: StudentInput) -> Student:
    if data.student_number:
        same = sa.select(Student.id).where(
            Student.school_id == school_id, Student.student_number == data.student_number
        )
        if student is not None:
            same = same.where(Student.id != student.id)
        if db.session.scalar(same) is not None:
            raise StudentError(_l("Another student has this number."), field="student_number")
    if student is None:
        student = Student(school_id=school_id)
        db.session.add(student)
    for name in ("student_number", "first_name", "last_name", "birth_date", "training_year", "trade"):
        setattr(student, name, getattr(data, name))
    student.workshop_id = data.workshop_id or None
    db.session.flush()
    return student


def set_archived(student: Student, archived: bool) -> None:
    student.archived_at = utcnow() if archived else None
    if archived:
        student_archived.send(student)
