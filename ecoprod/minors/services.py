"""The derogation register: declarations, per-student files, what is about to expire."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from ecoprod.errors import ActionRefused
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.i18n import local_today
from ecoprod.minors.models import DerogationDeclaration, MedicalOpinion, SafetyTraining
from ecoprod.students.models import Student
from ecoprod.workshops.models import Machine

WARN_DAYS = 30


class MinorsError(ActionRefused):
    pass


def add_declaration(
    school_id: int, declared_on: date, work_covered: str, reference: str | None, machines: Sequence[Machine]
) -> DerogationDeclaration:
    if any(not m.regulated for m in machines):
        raise MinorsError(str(_l("Only regulated machines need a declaration.")))
    declaration = DerogationDeclaration(
        school_id=school_id,
        declared_on=declared_on,
        work_covered=work_covered,
        reference=reference,
        machines=list(machines),
    )
    db.session.add(declaration)
    db.session.flush()
    return declaration


def add_medical_opinion(student: Student, given_on: date, valid_until: date, fit: bool) -> MedicalOpinion:
    opinion = MedicalOpinion(
        school_id=student.school_id,
        student_id=student.id,
        given_on=given_on,
        valid_until=valid_until,
        fit=fit,
    )
    db.session.add(opinion)
    db.session.flush()
    return opinion


def record_training(student: Student, machine: Machine, trained_on: date) -> SafetyTraining:
    training = db.session.scalars(
        sa.select(SafetyTraining).where(
            SafetyTraining.student_id == student.id, SafetyTraining.machine_id == machine.id
        )
    ).first()
    if training is None:
        training = SafetyTraining(school_id=student.school_id, student_id=student.id, machine_id=machine.id)
        db.session.add(training)
    training.trained_on = trained_on
    db.session.flush()
    return training


@dataclass(frozen=True)
class Alert:
    day: date
    text: str
    expired: bool


def alerts(
    school_id: int, today: date | None = None, medical_of: Callable[[Student], bool] = lambda student: True
) -> list[Alert]:
    """Declarations and medical opinions (of minors) expired or expiring within 30 days; the
    medical ones only of the students ``medical_of`` lets the reader see."""
    today = today or local_today()
    horizon = today + timedelta(days=WARN_DAYS)
    found = []
    for d in db.session.scalars(
        sa.select(DerogationDeclaration).where(DerogationDeclaration.school_id == school_id)
    ):
        if d.valid_until <= horizon:
            found.append(
                Alert(
                    d.valid_until,
                    str(
                        _l(
                            "Declaration %(ref)s (%(work)s)",
                            ref=d.reference or d.declared_on,
                            work=d.work_covered,
                        )
                    ),
                    d.valid_until < today,
                )
            )
    latest: dict[int, MedicalOpinion] = {}
    for opinion in db.session.scalars(
        sa.select(MedicalOpinion)
        .where(MedicalOpinion.school_id == school_id)
        .order_by(MedicalOpinion.valid_until)
    ):
        latest[opinion.student_id] = opinion
    students = {
        s.id: s
        for s in db.session.scalars(
            sa.select(Student).where(Student.id.in_(list(latest)), Student.archived_at.is_(None))
        )
    }
    for student_id, opinion in latest.items():
        student = students.get(student_id)
        if (
            student
            and medical_of(student)
            and student.is_minor_on(opinion.valid_until)
            and opinion.valid_until <= horizon
        ):
            found.append(
                Alert(
                    opinion.valid_until,
                    str(_l("Medical opinion of %(name)s", name=student.full_name)),
                    opinion.valid_until < today,
                )
            )
    return sorted(found, key=lambda a: a.day)


@dataclass
class StudentFile:
    student: Student
    minor: bool
    medical: list[MedicalOpinion]
    trainings: list[SafetyTraining]


def student_files(school_id: int, today: date | None = None) -> list[StudentFile]:
    today = today or local_today()
    students = list(
        db.session.scalars(
            sa.select(Student)
            .where(Student.school_id == school_id, Student.archived_at.is_(None))
            .options(sa.orm.joinedload(Student.supervisor), sa.orm.joinedload(Student.workshop))
            .order_by(Student.last_name, Student.first_name)
        )
    )
    ids = [s.id for s in students]
    medical: dict[int, list] = {i: [] for i in ids}
    for m in db.session.scalars(
        sa.select(MedicalOpinion).where(MedicalOpinion.student_id.in_(ids)).order_by(MedicalOpinion.given_on)
    ):
        medical[m.student_id].append(m)
    trainings: dict[int, list] = {i: [] for i in ids}
    for t in db.session.scalars(
        sa.select(SafetyTraining)
        .where(SafetyTraining.student_id.in_(ids))
        .options(sa.orm.joinedload(SafetyTraining.machine))
    ):
        trainings[t.student_id].append(t)
    return [StudentFile(s, s.is_minor_on(today), medical[s.id], trainings[s.id]) for s in students]
