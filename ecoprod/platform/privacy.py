"""A student's personal data (RGPD): everything held about them, exported on request, and
their erasure.

The export is a ZIP: ``donnees.json`` (the student, their sign-in, timetable, absences,
medical opinions, safety trainings, assignments, time logged, competences signed off) and
their skills record as PDF. Erasure replaces the student's identity where it is kept — the
student's row (name, birth date reduced to the year), their sign-in (name, address, no
password), free texts (absence reasons, time-log notes), their calendar addresses, the
e-mails that named them — so that the history (assignments, time, skills, the registers)
stays whole but is nobody's; the school's legal documents name customers, never students,
and are not touched.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from ecoprod import audit
from ecoprod.accounts.models import Role, User, UserStatus
from ecoprod.conversations import services as conversations
from ecoprod.database import utcnow
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.minors.models import MedicalOpinion, SafetyTraining
from ecoprod.notifications.outbox import queue_email
from ecoprod.orders.models import Order
from ecoprod.pdf import render_pdf
from ecoprod.planning.models import (
    Absence,
    Assignment,
    CalendarFeed,
    Competence,
    CompetenceSignoff,
    Operation,
    TimeLog,
)
from ecoprod.platform.account_privacy import close_account, unname_in_emails
from ecoprod.schools.models import School
from ecoprod.skills import services as skills
from ecoprod.students.models import Student
from ecoprod.workshops.models import Machine


def _rows(stmt: sa.Select[Any]) -> list[dict[str, Any]]:
    return [
        {k: (v.isoformat() if isinstance(v, date) else str(v) if v is not None and not isinstance(v, int | bool | str) else v)
         for k, v in row._mapping.items()}
        for row in db.session.execute(stmt)
    ]  # fmt: skip


def _account(account: User | None) -> dict[str, Any] | None:
    if account is None:
        return None
    last = account.last_login_at.isoformat() if account.last_login_at else None
    return {
        "name": account.full_name,
        "email": account.email,
        "status": account.status.value,
        "last_login_at": last,
    }


def student_data(student: Student) -> dict[str, Any]:
    """Everything held about the student, as plain JSON values."""
    sid = student.id
    account = db.session.get(User, student.user_id) if student.user_id else None
    return {
        "student": {
            "id": sid,
            "first_name": student.first_name,
            "last_name": student.last_name,
            "birth_date": student.birth_date.isoformat(),
            "trade": student.trade.value,
            "training_year": student.training_year,
            "level": student.level,
            "workshop": student.workshop.name if student.workshop else None,
            "supervisor": student.supervisor.full_name if student.supervisor else None,
            "workshop_half_days_pattern": student.workshop_pattern,
            "archived_at": student.archived_at.isoformat() if student.archived_at else None,
        },
        "sign_in": _account(account),
        "absences": _rows(
            sa.select(Absence.start_date, Absence.end_date, Absence.half, Absence.reason).where(
                Absence.student_id == sid
            )
        ),
        "medical_opinions": _rows(
            sa.select(MedicalOpinion.given_on, MedicalOpinion.valid_until, MedicalOpinion.fit).where(
                MedicalOpinion.student_id == sid
            )
        ),
        "safety_trainings": _rows(
            sa.select(Machine.name.label("machine"), SafetyTraining.trained_on)
            .join(Machine, Machine.id == SafetyTraining.machine_id)
            .where(SafetyTraining.student_id == sid)
        ),
        "assignments": _rows(
            sa.select(
                Assignment.day,
                Assignment.half,
                Assignment.hours,
                Operation.name.label("operation"),
                Order.number.label("order"),
            )
            .join(Operation, Operation.id == Assignment.operation_id)
            .join(Order, Order.id == Operation.order_id)
            .where(Assignment.student_id == sid)
            .order_by(Assignment.day)
        ),
        "time_logged": _rows(
            sa.select(TimeLog.day, TimeLog.hours, TimeLog.note, Operation.name.label("operation"))
            .join(Operation, Operation.id == TimeLog.operation_id)
            .where(TimeLog.student_id == sid)
            .order_by(TimeLog.day)
        ),
        "competences_signed_off": _rows(
            sa.select(
                Competence.name.label("competence"),
                Operation.name.label("operation"),
                CompetenceSignoff.signed_at,
            )
            .join(Competence, Competence.id == CompetenceSignoff.competence_id)
            .join(Operation, Operation.id == CompetenceSignoff.operation_id)
            .where(CompetenceSignoff.student_id == sid)
        ),
    }


def export_student(student: Student, school: School) -> bytes:
    """The ZIP a family receives: the data as JSON and the skills record as PDF."""
    data = student_data(student)
    record = render_pdf(
        "pdf/skills_record.html", record=skills.record(student), school=school, today=local_today()
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("donnees.json", json.dumps(data, ensure_ascii=False, indent=1))
        archive.writestr("livret-de-competences.pdf", record)
    audit.record("student.data_exported", student)
    return out.getvalue()


def anonymous_name(student: Student) -> tuple[str, str]:
    return "Élève", f"anonyme n° {student.id}"


def erase_student(student: Student) -> None:
    """Replace the student's identity wherever it is kept; the history stays, nobody's."""
    names = {student.full_name, f"{student.last_name} {student.first_name}"}
    last_name = student.last_name
    first, last = anonymous_name(student)
    student.first_name, student.last_name = first, last
    student.birth_date = date(student.birth_date.year, 1, 1)
    student.student_number = None
    student.erased_at = utcnow()
    if student.archived_at is None:
        student.archived_at = utcnow()
    sid = student.id
    db.session.execute(sa.update(Absence).where(Absence.student_id == sid).values(reason=None))
    db.session.execute(sa.update(TimeLog).where(TimeLog.student_id == sid).values(note=None))
    db.session.execute(sa.delete(CalendarFeed).where(CalendarFeed.student_id == sid))
    if student.user_id:
        account = db.session.get(User, student.user_id)
        names.add(account.full_name)
        close_account(account, f"{first} {last}")
    unname_in_emails(student.school_id, names, f"{first} {last}")
    conversations.unname(student.school_id, names, last_name, f"{first} {last}")
    db.session.flush()
    audit.record("student.erased", student)


def due_for_erasure(school: School, now: datetime) -> list[Student]:
    """The school's students who left more than its retention period ago, not erased yet."""
    left_before = now - timedelta(
        days=365 * school.student_retention_years + school.student_retention_years // 4
    )
    return list(
        db.session.scalars(
            sa.select(Student).where(
                Student.school_id == school.id,
                Student.archived_at.is_not(None),
                Student.archived_at < left_before,
                Student.erased_at.is_(None),
            )
        )
    )


def erase_expired(school: School, now: datetime | None = None) -> list[int]:
    """The retention rule for one school (in its scope): erase, then tell its administrators
    which files (by number: the names are gone) were erased. The ids erased."""
    erased = []
    for student in due_for_erasure(school, now or utcnow()):
        erase_student(student)
        erased.append(student.id)
    if erased:
        admins = db.session.scalars(
            sa.select(User).where(
                User.school_id == school.id, User.role == Role.ADMIN, User.status == UserStatus.ACTIVE
            )
        )
        for admin in admins:
            queue_email(
                admin.email, "students_erased", locale=admin.locale, school_id=school.id, school=school,
                numbers=erased, years=school.student_retention_years,
            )  # fmt: skip
    return erased
