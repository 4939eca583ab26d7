"""The network's nightly work: the retention rule for students' personal data."""

from __future__ import annotations

import sqlalchemy as sa

from ecoprod.extensions import db
from ecoprod.jobs import daily_at, periodic
from ecoprod.platform import privacy
from ecoprod.schools.models import School
from ecoprod.tenancy import scoped_to


@periodic(daily_at(2, 15))
def erase_expired_students() -> dict[int, list[int]]:
    """Every school's students who left longer ago than its retention period: erased, and
    its administrators told (one transaction per school)."""
    done = {}
    for school_id in db.session.scalars(sa.select(School.id).order_by(School.id)).all():
        with scoped_to(db.session, school_id):
            erased = privacy.erase_expired(db.session.get(School, school_id))
            db.session.commit()
        if erased:
            done[school_id] = erased
    return done
