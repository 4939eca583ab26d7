"""Students (jeunes): the people the school plans for. Never shown to customers."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecoprod.database import ArchivableMixin, Line, TimestampMixin, UTCDateTime, enum_type
from ecoprod.extensions import db
from ecoprod.slots import DEFAULT_STUDENT_PATTERN
from ecoprod.tenancy import TenantMixin
from ecoprod.workshops.models import Trade

if TYPE_CHECKING:
    from ecoprod.accounts.models import User
    from ecoprod.workshops.models import Workshop


def age_on(birth_date: date, day: date) -> int:
    """Completed years on ``day`` (someone born on 29 February turns a year older on 1 March)."""
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


class Student(TenantMixin, ArchivableMixin, TimestampMixin, db.Model):
    __tablename__ = "students"
    __table_args__ = (
        sa.CheckConstraint("training_year BETWEEN 1 AND 4", name="training_year_range"),
        sa.CheckConstraint("level BETWEEN 1 AND 4", name="level_range"),
        sa.Index("ix_students_school_name", "school_id", "last_name", "first_name", "id"),  # the list
        sa.Index("uq_students_school_number", "school_id", "student_number", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The school's own number for the student (its registers, its spreadsheets); optional.
    student_number: Mapped[str | None] = mapped_column(Line(30))
    first_name: Mapped[str] = mapped_column(Line(80))
    last_name: Mapped[str] = mapped_column(Line(80))
    birth_date: Mapped[date] = mapped_column(sa.Date)
    trade: Mapped[Trade] = mapped_column(enum_type(Trade, 40))
    training_year: Mapped[int] = mapped_column(default=1)
    workshop_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workshops.id"), index=True)
    # What the master judges the student ready for (operations have a difficulty 1–4).
    level: Mapped[int] = mapped_column(default=1, server_default=sa.text("1"))
    # Which half-days of the week the student is in the workshop (the rest: lessons).
    workshop_pattern: Mapped[int] = mapped_column(
        default=DEFAULT_STUDENT_PATTERN, server_default=sa.text(str(DEFAULT_STUDENT_PATTERN))
    )
    # The adult named to supervise the student's work on regulated machines.
    supervisor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The student's own sign-in, for the workshop tablet (their tasks, their time).
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    # Set when the student's identity was erased (on request, or by the retention job).
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    workshop: Mapped[Workshop | None] = relationship()
    supervisor: Mapped[User | None] = relationship(foreign_keys=[supervisor_id])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)

    def is_minor_on(self, day: date) -> bool:
        return self.age_on(day) < 18
