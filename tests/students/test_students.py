"""Students: their age on a day (minority turns on it), their record saved from a form's input."""

from __future__ import annotations

from datetime import date

import pytest

from ecoprod.extensions import db
from ecoprod.students import services
from ecoprod.students.models import age_on
from ecoprod.tenancy import scoped_to
from ecoprod.workshops.models import Trade


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (date(2008, 5, 3), date(2026, 5, 2), 17),
        (date(2008, 5, 3), date(2026, 5, 3), 18),
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
    ],
)
def test_age_on_a_day(born, day, age):
    assert age_on(born, day) == age


def test_a_student_is_saved_from_its_input_and_archived_with_an_event(world):
    from ecoprod.signals import student_archived

    heard = []

    def listener(student, **_):
        heard.append(student.id)

    student_archived.connect(listener)
    try:
        with scoped_to(db.session, world.school.id):
            student = services.save_student(
                None,
                world.school.id,
                services.StudentInput(
                    "Inès", "Nouvelle", date(2009, 6, 1), Trade.MACHINING, 2, world.machining.id
                ),
            )
            db.session.commit()
            assert (student.full_name, student.training_year, student.workshop_id) == (
                "Inès Nouvelle",
                2,
                world.machining.id,
            )
            assert student.is_minor_on(date(2027, 5, 31)) and not student.is_minor_on(date(2027, 6, 1))
            services.set_archived(student, True)
            db.session.commit()
    finally:
        student_archived.disconnect(listener)
    assert heard == [student.id] and student.is_archived
