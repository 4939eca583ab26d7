"""The dashboard's figures materialised per day: each night the worker adds up every school's
days that are over (``DayFigures``) and moves the school's mark (``FiguresMark``) in the same
transaction; the figures then read those rows, plus the live rows of the days after the mark
(normally today alone). A closed day never changes: invoices, credit notes and delivery
notes are dated the day they are issued, and an issued document is never changed.

Re-running is harmless: the days after the mark are deleted and added up again.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing import figures
from ecoprod.invoicing.models import DayFigures, FiguresMark
from ecoprod.schools.models import School
from ecoprod.tenancy import scoped_to


def mark(school_id: int) -> FiguresMark | None:
    return db.session.scalars(sa.select(FiguresMark).where(FiguresMark.school_id == school_id)).first()


def materialise(school_id: int, through: date) -> int:
    """Add up the school's days after its mark up to ``through``; the rows written."""
    with scoped_to(db.session, school_id):
        current = mark(school_id)
        since = current.through + timedelta(days=1) if current else None
        if since and since > through:
            return 0
        window = (DayFigures.day >= since,) if since else ()
        db.session.execute(sa.delete(DayFigures).where(*window))
        rows: dict[tuple[date, int | None], DayFigures] = {}

        def row(day: date, workshop_id: int | None) -> DayFigures:
            key = (day, workshop_id)
            if key not in rows:
                rows[key] = DayFigures(school_id=school_id, day=day, workshop_id=workshop_id, revenue=0,
                                       delivered=0, on_time=0)  # fmt: skip
            return rows[key]

        for day, workshop_id, amount in figures.revenue_by_day(since, through):
            row(day, workshop_id).revenue = amount
        for day, delivered, on_time in figures.deliveries_by_day(since, through):
            day_row = row(day, None)
            day_row.delivered, day_row.on_time = delivered, on_time
        db.session.add_all(rows.values())
        if current:
            current.through = through
        else:
            db.session.add(FiguresMark(school_id=school_id, through=through))
        db.session.commit()
    return len(rows)


def materialise_every_school(through: date | None = None) -> dict[int, int]:
    """Every school's closed days (up to yesterday in Paris): the nightly job."""
    through = through or local_today() - timedelta(days=1)
    school_ids = db.session.scalars(sa.select(School.id).order_by(School.id)).all()
    return {school_id: materialise(school_id, through) for school_id in school_ids}
