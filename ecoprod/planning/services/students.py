"""A student's planning file: timetable, level and supervisor, absences, the sign-in of the
workshop tablet; and the photos of an operation's work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ecoprod import signals
from ecoprod.accounts import services as accounts
from ecoprod.accounts.models import Role, User, UserStatus
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.planning.models import Absence, Operation, OperationPhoto
from ecoprod.planning.services.base import PlanningError
from ecoprod.schools.models import School
from ecoprod.slots import Half
from ecoprod.storage import InspectedFile, file_store
from ecoprod.students.models import Student


@dataclass
class TimetableInput:
    workshop_pattern: int  # the half-days in the workshop (``slots.pattern_from_keys``)
    level: int
    supervisor_id: int | None


def save_timetable(student: Student, data: TimetableInput) -> None:
    student.workshop_pattern = data.workshop_pattern
    student.level = data.level
    student.supervisor_id = data.supervisor_id


@dataclass
class AbsenceInput:
    start_date: date
    end_date: date
    half: Half | None  # a morning or an afternoon of one day; None for whole days
    reason: str | None = None


def add_absence(student: Student, data: AbsenceInput) -> Absence:
    if data.half is not None and data.start_date != data.end_date:
        raise PlanningError(_l("A morning or an afternoon is for a single day."), field="half")
    absence = Absence(
        school_id=student.school_id,
        student_id=student.id,
        start_date=data.start_date,
        end_date=data.end_date,
        half=data.half,
        reason=data.reason,
    )
    db.session.add(absence)
    db.session.flush()
    return absence


def delete_absence(absence: Absence) -> None:
    db.session.delete(absence)
    db.session.flush()


def create_sign_in(student: Student, school: School, email: str, password: str) -> User:
    """The student's own sign-in for the workshop tablet (it reaches only their tasks)."""
    if student.user_id:
        raise PlanningError(_l("%(name)s already has a sign-in.", name=student.full_name))
    user = accounts.new_user(school, email, student.full_name, Role.STUDENT, UserStatus.ACTIVE)
    accounts.set_password(user, password)
    db.session.add(user)
    db.session.flush()
    student.user_id = user.id
    return user


def add_photo(
    operation: Operation, image: InspectedFile, caption: str | None, shared: bool, by: User
) -> OperationPhoto:
    """A photo of the work (already checked and stripped of its camera's metadata)."""
    stored = file_store().save(operation.school_id, image.data, db.session)
    photo = OperationPhoto(
        school_id=operation.school_id,
        stored_name=stored,
        content_type=image.kind.content_type,
        caption=caption,
        shared_with_customer=shared,
        uploaded_by_id=by.id,
    )
    operation.photos.append(photo)
    db.session.flush()
    signals.photo_added.send(photo)
    return photo


def toggle_photo_sharing(photo: OperationPhoto) -> None:
    photo.shared_with_customer = not photo.shared_with_customer
