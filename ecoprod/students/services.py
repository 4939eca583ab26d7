"""Named actions on students."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ecoprod.database import utcnow
from ecoprod.extensions import db
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


def save_student(student: Student | None, school_id: int, data: StudentInput) -> Student:
    if student is None:
        student = Student(school_id=school_id)
        db.session.add(student)
    for name in ("first_name", "last_name", "birth_date", "training_year", "trade"):
        setattr(student, name, getattr(data, name))
    student.workshop_id = data.workshop_id or None
    db.session.flush()
    return student


def set_archived(student: Student, archived: bool) -> None:
    student.archived_at = utcnow() if archived else None
    if archived:
        student_archived.send(student)
