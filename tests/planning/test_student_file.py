"""A student's planning file through its services: timetable, absences, tablet sign-in,
photos of the work — the rules the views used to keep themselves."""

from datetime import date

import pytest
import sqlalchemy as sa

from ecoprod.accounts.models import Role, User
from ecoprod.extensions import db
from ecoprod.planning import services
from ecoprod.planning.models import Absence
from ecoprod.slots import Half


def test_a_half_day_absence_is_for_a_single_day(app, world):
    with pytest.raises(services.PlanningError) as refused:
        services.add_absence(
            world.student, services.AbsenceInput(date(2026, 12, 7), date(2026, 12, 8), Half.AM, "Rendez-vous")
        )
    assert refused.value.field == "half"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Absence)) == 0
    absence = services.add_absence(
        world.student, services.AbsenceInput(date(2026, 12, 7), date(2026, 12, 7), Half.PM, "Rendez-vous")
    )
    assert (absence.student_id, absence.half) == (world.student.id, Half.PM)
    services.delete_absence(absence)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Absence)) == 0


def test_the_timetable_is_saved_as_given(app, world):
    services.save_timetable(
        world.student, services.TimetableInput(workshop_pattern=0b11, level=3, supervisor_id=None)
    )
    assert (world.student.workshop_pattern, world.student.level, world.student.supervisor_id) == (
        0b11,
        3,
        None,
    )


def test_a_student_gets_one_tablet_sign_in(app, world):
    user = services.create_sign_in(
        world.student, world.school, "theo.tablette@example.com", "un-long-mot-de-passe-9"
    )
    assert user.role is Role.STUDENT and world.student.user_id == user.id
    with pytest.raises(services.PlanningError):
        services.create_sign_in(world.student, world.school, "autre@example.com", "un-long-mot-de-passe-9")
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.role == Role.STUDENT)) == 1
    )
