"""A student's skills record is read from the work actually done: hours per operation,
competences signed off, the orders worked on."""

from __future__ import annotations

from decimal import Decimal

from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.planning.models import CompetenceSignoff, TimeLog
from ecoprod.skills import services
from ecoprod.tenancy import scoped_to
from tests.factories import plan_world


def test_the_record_sums_hours_and_groups_sign_offs(world, factory):
    plan = plan_world(factory, world)
    db.session.add_all(
        [
            TimeLog(
                school_id=world.school.id,
                operation_id=plan.operation.id,
                student_id=world.student.id,
                day=local_today(),
                hours=Decimal("2.5"),
            ),
            TimeLog(
                school_id=world.school.id,
                operation_id=plan.operation.id,
                student_id=world.student.id,
                day=local_today(),
                hours=Decimal("1"),
            ),
            TimeLog(
                school_id=world.school.id,
                operation_id=plan.classmate_operation.id,
                student_id=plan.classmate.id,
                day=local_today(),
                hours=Decimal("4"),
            ),
            CompetenceSignoff(
                school_id=world.school.id,
                student_id=world.student.id,
                operation_id=plan.operation.id,
                competence_id=plan.competence.id,
                signed_by_id=world.master.id,
            ),
        ]
    )
    db.session.commit()
    with scoped_to(db.session, world.school.id):
        record = services.record(world.student)
    assert record.total_hours == Decimal("3.5")
    assert [line.operation.id for line in record.lines] == [plan.operation.id]
    assert list(record.competences) == ["C3.2"] and [o.id for o in record.orders] == [plan.order.id]
    assert not services.done(record.lines[0])
