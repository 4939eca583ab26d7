"""The retention rule: each night, the students who left (archived) longer ago than the
school's setting are erased, and its administrators get the list by number, not by name."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from ecoprod.database import utcnow
from ecoprod.extensions import db
from ecoprod.notifications.models import OutboxEmail
from ecoprod.platform import jobs
from ecoprod.students.models import Student


def test_students_who_left_long_ago_are_erased_and_the_admins_told(app, factory, world: Any) -> None:
    world.school.student_retention_years = 3
    gone = world.student
    gone.archived_at = utcnow() - timedelta(days=3 * 365 + 10)
    recent = factory.student(world.school, world.machining, first_name="Récente", last_name="Partie")
    recent.archived_at = utcnow() - timedelta(days=365)
    staying = factory.student(world.school, world.machining, first_name="Toujours", last_name="Là")
    far = factory.student(world.other_school, None, first_name="Ailleurs", last_name="Loin")
    far.archived_at = utcnow() - timedelta(days=4 * 365)  # school B keeps 5 years (the default)
    db.session.commit()

    done = jobs.erase_expired_students.call_local()
    assert done == {world.school.id: [gone.id]}
    db.session.expire_all()
    erased = db.session.get(Student, gone.id)
    assert erased.erased_at is not None and erased.last_name == f"anonyme n° {gone.id}"
    assert all(db.session.get(Student, s.id).erased_at is None for s in (recent, staying, far))

    mails = db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.template == "students_erased")).all()
    assert {m.to_address for m in mails} == {world.admin.email}
    (mail,) = mails
    assert f"n° {gone.id}" in mail.body and "Secretnom" not in mail.body + mail.subject
    assert "1 dossier d’élève effacé" in mail.subject

    assert jobs.erase_expired_students.call_local() == {}  # nothing twice
    assert db.session.scalar(sa.select(sa.func.count()).where(OutboxEmail.template == "students_erased")) == 1
