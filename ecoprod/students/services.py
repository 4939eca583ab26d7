"""Named actions on students."""

from __future__ import annotations

from typing import Any

from ecoprod.database import utcnow
from ecoprod.extensions import db
from ecoprod.signals import student_archived
from ecoprod.students.models import Student
from ecoprod.workshops.models import Trade

FIELDS = ("first_name", "last_name", "birth_date", "training_year")


def save_student(student: Student | None, school_id: int, data: dict[str, Any]) -> Student:
    if student is None:
        student = Student(school_id=school_id)
        db.session.add(student)
    for name in FIELDS:
        setattr(student, name, data[name])
    student.trade = Trade(data["trade"])
    student.workshop_id = data["workshop_id"] or None
    db.session.flush()
    return student


def set_archived(student: Student, archived: bool) -> None:
    student.archived_at = utcnow() if archived else None
    if archived:
        student_archived.send(student)
