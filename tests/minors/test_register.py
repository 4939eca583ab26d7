"""The derogation register (décret 2013-915): declarations for three years, alerts ahead of
expiry, a student's file."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ecoprod.extensions import db
from ecoprod.minors import services
from ecoprod.minors.models import declaration_valid_until
from ecoprod.tenancy import scoped_to


@pytest.mark.parametrize(
    ("declared", "last_day"),
    [
        (date(2025, 9, 1), date(2028, 8, 31)),
        (date(2024, 2, 29), date(2027, 2, 27)),
        (date(2026, 1, 1), date(2028, 12, 31)),
    ],
)
def test_a_declaration_covers_three_years(declared, last_day):
    assert declaration_valid_until(declared) == last_day


def test_only_regulated_machines_are_declared(world, factory):
    plain = factory.machine(world.machining, regulated=False)
    with scoped_to(db.session, world.school.id), pytest.raises(services.MinorsError):
        services.add_declaration(world.school.id, date(2026, 1, 1), "Tours", None, [plain])


def test_alerts_come_thirty_days_ahead_and_say_what_expired(world):
    today = date(2026, 11, 20)
    with scoped_to(db.session, world.school.id):
        soon = services.add_declaration(
            world.school.id,
            date(2023, 12, 10),
            "Tours",
            "DD-1",
            [world.machine],
        )
        services.add_declaration(world.school.id, date(2025, 1, 1), "Fraiseuses", "DD-2", [world.machine])
        minor = world.student
        services.add_medical_opinion(minor, today - timedelta(days=360), today - timedelta(days=1), True)
        db.session.commit()
        alerts = services.alerts(world.school.id, today)
    texts = [a.text for a in alerts]
    assert any("DD-1" in t for t in texts) and not any("DD-2" in t for t in texts)
    assert soon.valid_until <= today + timedelta(days=services.WARN_DAYS)
    medical = [a for a in alerts if minor.last_name in a.text]
    assert medical and medical[0].expired


def test_a_training_is_recorded_once_per_machine(world):
    with scoped_to(db.session, world.school.id):
        first = services.record_training(world.student, world.machine, date(2026, 9, 10))
        again = services.record_training(world.student, world.machine, date(2026, 10, 1))
        db.session.commit()
        files = services.student_files(world.school.id, date(2026, 11, 1))
    assert first.id == again.id and again.trained_on == date(2026, 10, 1)
    mine = next(f for f in files if f.student.id == world.student.id)
    assert [t.trained_on for t in mine.trainings] == [date(2026, 10, 1)]
