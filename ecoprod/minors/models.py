"""What the law asks before a minor works on a regulated machine: the school's derogation
declaration (valid three years), and per student a medical fitness opinion, the safety
training for that machine and a named supervisor."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecoprod.database import Line, TimestampMixin
from ecoprod.extensions import db
from ecoprod.tenancy import TenantMixin

if TYPE_CHECKING:
    from ecoprod.students.models import Student
    from ecoprod.workshops.models import Machine

DECLARATION_YEARS = 3

declaration_machines = sa.Table(
    "declaration_machines",
    db.metadata,
    sa.Column(
        "declaration_id", sa.ForeignKey("derogation_declarations.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("machine_id", sa.ForeignKey("machines.id", ondelete="CASCADE"), primary_key=True),
)


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def declaration_valid_until(declared_on: date) -> date:
    """Last day a declaration covers: the day before its third anniversary."""
    return add_years(declared_on, DECLARATION_YEARS) - timedelta(days=1)


class DerogationDeclaration(TenantMixin, TimestampMixin, db.Model):
    """A declaration to the labour inspectorate covering machines and work, for three years."""

    __tablename__ = "derogation_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    declared_on: Mapped[date] = mapped_column(sa.Date)
    work_covered: Mapped[str] = mapped_column(Line(500))
    reference: Mapped[str | None] = mapped_column(Line(80))

    machines: Mapped[list[Machine]] = relationship(secondary=declaration_machines, order_by="Machine.name")

    @property
    def valid_until(self) -> date:
        return declaration_valid_until(self.declared_on)

    def valid_on(self, day: date) -> bool:
        return self.declared_on <= day <= self.valid_until


class MedicalOpinion(TenantMixin, TimestampMixin, db.Model):
    """The occupational doctor's fitness opinion for work on regulated machines."""

    __tablename__ = "medical_opinions"
    __table_args__ = (sa.CheckConstraint("valid_until >= given_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(sa.ForeignKey("students.id", ondelete="CASCADE"), index=True)
    given_on: Mapped[date] = mapped_column(sa.Date)
    valid_until: Mapped[date] = mapped_column(sa.Date)
    fit: Mapped[bool] = mapped_column(default=True)

    student: Mapped[Student] = relationship()

    def valid_on(self, day: date) -> bool:
        return self.fit and self.given_on <= day <= self.valid_until


class SafetyTraining(TenantMixin, TimestampMixin, db.Model):
    """The student was trained to use this machine safely."""

    __tablename__ = "safety_trainings"
    __table_args__ = (sa.UniqueConstraint("student_id", "machine_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(sa.ForeignKey("students.id", ondelete="CASCADE"), index=True)
    machine_id: Mapped[int] = mapped_column(sa.ForeignKey("machines.id"))
    trained_on: Mapped[date] = mapped_column(sa.Date)

    student: Mapped[Student] = relationship()
    machine: Mapped[Machine] = relationship()
