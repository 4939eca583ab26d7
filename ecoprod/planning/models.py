"""Operations of an order, the school calendar, absences, assignments, time and evidence."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecoprod.database import (
    ArchivableMixin,
    Line,
    ScaledDecimal,
    TimestampMixin,
    UTCDateTime,
    enum_type,
    utcnow,
)
from ecoprod.extensions import db
from ecoprod.i18n import label
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.slots import Half, HalfDay
from ecoprod.tenancy import TenantMixin

if TYPE_CHECKING:
    from ecoprod.accounts.models import User
    from ecoprod.orders.models import Order
    from ecoprod.students.models import Student
    from ecoprod.workshops.models import Machine, Workshop


class OperationKind(enum.StrEnum):
    CUT = "cut"
    MACHINE = "machine"
    WELD = "weld"
    ASSEMBLE = "assemble"
    FINISH = "finish"
    INSPECT = "inspect"
    OTHER = "other"

    @property
    def label(self) -> str:
        return label(OPERATION_KIND_LABELS[self])


OPERATION_KIND_LABELS = {
    OperationKind.CUT: _l("Cutting"),
    OperationKind.MACHINE: _l("Machining"),
    OperationKind.WELD: _l("Welding"),
    OperationKind.ASSEMBLE: _l("Assembly"),
    OperationKind.FINISH: _l("Finishing"),
    OperationKind.INSPECT: _l("Inspection"),
    OperationKind.OTHER: _l("Other"),
}


class OperationStatus(enum.StrEnum):
    TODO = "todo"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"

    @property
    def label(self) -> str:
        return label(OPERATION_STATUS_LABELS[self])

    @property
    def tone(self) -> str:
        return {
            "todo": "neutral",
            "scheduled": "info",
            "in_progress": "progress",
            "done": "success",
            "blocked": "danger",
        }[self.value]


OPERATION_STATUS_LABELS = {
    OperationStatus.TODO: _l("To schedule"),
    OperationStatus.SCHEDULED: _l("Scheduled"),
    OperationStatus.IN_PROGRESS: _l("In progress"),
    OperationStatus.DONE: _l("Done"),
    OperationStatus.BLOCKED: _l("Blocked"),
}


class QualityResult(enum.StrEnum):
    NONE = "none"
    PASSED = "passed"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return label(QUALITY_LABELS[self])


QUALITY_LABELS = {
    QualityResult.NONE: _l("Not checked"),
    QualityResult.PASSED: _l("Passed"),
    QualityResult.FAILED: _l("Failed"),
}

operation_competences = sa.Table(
    "operation_competences",
    db.metadata,
    sa.Column("operation_id", sa.ForeignKey("operations.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("competence_id", sa.ForeignKey("competences.id", ondelete="CASCADE"), primary_key=True),
)


class Competence(TenantMixin, ArchivableMixin, db.Model):
    """A competence of a diploma's référentiel (CAP, Bac Pro), managed by the school."""

    __tablename__ = "competences"
    __table_args__ = (sa.UniqueConstraint("school_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(Line(20))
    name: Mapped[str] = mapped_column(Line(200))
    diploma: Mapped[str | None] = mapped_column(Line(60))

    @property
    def title(self) -> str:
        return f"{self.code} — {self.name}"


class Operation(TenantMixin, TimestampMixin, db.Model):
    """A step of making an order, done in one workshop by one or more students."""

    __tablename__ = "operations"
    __table_args__ = (
        sa.CheckConstraint("difficulty BETWEEN 1 AND 4", name="difficulty_range"),
        sa.CheckConstraint("estimated_hours > 0", name="estimated_hours_positive"),
        sa.CheckConstraint("percent_done BETWEEN 0 AND 100", name="percent_range"),
        sa.Index("ix_operations_workshop_status", "workshop_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id"))
    position: Mapped[int] = mapped_column(default=1)
    kind: Mapped[OperationKind] = mapped_column(enum_type(OperationKind, 20))
    name: Mapped[str] = mapped_column(Line(200))
    estimated_hours: Mapped[Decimal] = mapped_column(ScaledDecimal(2))
    difficulty: Mapped[int] = mapped_column(default=1)
    machine_id: Mapped[int | None] = mapped_column(sa.ForeignKey("machines.id"))
    status: Mapped[OperationStatus] = mapped_column(
        enum_type(OperationStatus, 20), default=OperationStatus.TODO
    )
    percent_done: Mapped[int] = mapped_column(default=0)
    blocked_reason: Mapped[str | None] = mapped_column(Line(500))
    quality: Mapped[QualityResult] = mapped_column(enum_type(QualityResult, 10), default=QualityResult.NONE)
    quality_note: Mapped[str | None] = mapped_column(Line(500))
    row_version: Mapped[int] = mapped_column(default=1, server_default=sa.text("1"))
    __mapper_args__ = {"version_id_col": row_version}

    order: Mapped[Order] = relationship()
    workshop: Mapped[Workshop] = relationship()
    machine: Mapped[Machine | None] = relationship()
    competences: Mapped[list[Competence]] = relationship(
        secondary=operation_competences, order_by="Competence.code"
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="operation", cascade="all, delete-orphan", order_by="(Assignment.day, Assignment.half)"
    )
    time_logs: Mapped[list[TimeLog]] = relationship(back_populates="operation", cascade="all, delete-orphan")
    photos: Mapped[list[OperationPhoto]] = relationship(
        back_populates="operation", cascade="all, delete-orphan"
    )

    @property
    def planned_hours(self) -> Decimal:
        return sum((a.hours for a in self.assignments), Decimal("0"))

    @property
    def logged_hours(self) -> Decimal:
        return sum((t.hours for t in self.time_logs), Decimal("0"))


class RoutingTemplate(TenantMixin, ArchivableMixin, db.Model):
    """A reusable sequence of operations for a workshop (a gamme type)."""

    __tablename__ = "routing_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id"), index=True)
    name: Mapped[str] = mapped_column(Line(120))

    workshop: Mapped[Workshop] = relationship()
    steps: Mapped[list[RoutingStep]] = relationship(
        back_populates="template", cascade="all, delete-orphan", order_by="RoutingStep.position"
    )


class RoutingStep(TenantMixin, db.Model):
    __tablename__ = "routing_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        sa.ForeignKey("routing_templates.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=1)
    kind: Mapped[OperationKind] = mapped_column(enum_type(OperationKind, 20))
    name: Mapped[str] = mapped_column(Line(200))
    estimated_hours: Mapped[Decimal] = mapped_column(ScaledDecimal(2))
    difficulty: Mapped[int] = mapped_column(default=1)
    machine_id: Mapped[int | None] = mapped_column(sa.ForeignKey("machines.id"))

    template: Mapped[RoutingTemplate] = relationship(back_populates="steps")


class CalendarKind(enum.StrEnum):
    HOLIDAY = "holiday"
    EXAM = "exam"
    CLOSURE = "closure"

    @property
    def label(self) -> str:
        return label(CALENDAR_KIND_LABELS[self])


CALENDAR_KIND_LABELS = {
    CalendarKind.HOLIDAY: _l("School holidays"),
    CalendarKind.EXAM: _l("Exams"),
    CalendarKind.CLOSURE: _l("Closure"),
}


class CalendarEvent(TenantMixin, db.Model):
    """Days without workshop time for the whole school (holidays, exams, closures)."""

    __tablename__ = "calendar_events"
    __table_args__ = (sa.CheckConstraint("end_date >= start_date", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CalendarKind] = mapped_column(enum_type(CalendarKind, 20))
    label: Mapped[str] = mapped_column(Line(200))
    start_date: Mapped[date] = mapped_column(sa.Date, index=True)
    end_date: Mapped[date] = mapped_column(sa.Date)
    source_uid: Mapped[str | None] = mapped_column(Line(255))  # UID of an imported .ics event


class Absence(TenantMixin, db.Model):
    __tablename__ = "absences"
    __table_args__ = (sa.CheckConstraint("end_date >= start_date", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(sa.ForeignKey("students.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(sa.Date)
    end_date: Mapped[date] = mapped_column(sa.Date)
    # On a single day, only the morning or the afternoon; None: whole days.
    half: Mapped[Half | None] = mapped_column(enum_type(Half, 2))
    reason: Mapped[str | None] = mapped_column(Line(200))

    student: Mapped[Student] = relationship()

    def covers(self, slot: HalfDay) -> bool:
        if not (self.start_date <= slot.day <= self.end_date):
            return False
        return self.half is None or self.half is slot.half


class Assignment(TenantMixin, db.Model):
    """A student on an operation for one half-day."""

    __tablename__ = "assignments"
    __table_args__ = (
        # A student is in one place at a time: the database refuses double-booking too.
        sa.UniqueConstraint("student_id", "day", "half", name="uq_assignments_student_slot"),
        sa.CheckConstraint("hours > 0", name="hours_positive"),
        sa.Index("ix_assignments_day", "school_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(sa.ForeignKey("operations.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(sa.ForeignKey("students.id"), index=True)
    day: Mapped[date] = mapped_column(sa.Date)
    half: Mapped[Half] = mapped_column(enum_type(Half, 2))
    hours: Mapped[Decimal] = mapped_column(ScaledDecimal(2))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    operation: Mapped[Operation] = relationship(back_populates="assignments")
    student: Mapped[Student] = relationship()

    @property
    def slot(self) -> HalfDay:
        return HalfDay(self.day, self.half)


class TimeLog(TenantMixin, db.Model):
    """Real learning hours, kept apart from the hours a quote priced."""

    __tablename__ = "time_logs"
    __table_args__ = (
        sa.CheckConstraint("hours > 0 AND hours <= 1200", name="hours_range"),
        sa.Index("ix_time_logs_school_day", "school_id", "day"),  # a school year's hours (reports)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(sa.ForeignKey("operations.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(sa.ForeignKey("students.id"), index=True)
    day: Mapped[date] = mapped_column(sa.Date)
    hours: Mapped[Decimal] = mapped_column(ScaledDecimal(2))
    note: Mapped[str | None] = mapped_column(Line(500))
    logged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    operation: Mapped[Operation] = relationship(back_populates="time_logs")
    student: Mapped[Student] = relationship()


class OperationPhoto(TenantMixin, db.Model):
    __tablename__ = "operation_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(sa.ForeignKey("operations.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(Line(64), unique=True)
    content_type: Mapped[str] = mapped_column(Line(40))
    caption: Mapped[str | None] = mapped_column(Line(200))
    # Chosen by the master, who checks that it shows the work and nobody's face.
    shared_with_customer: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    operation: Mapped[Operation] = relationship(back_populates="photos")


class CompetenceSignoff(TenantMixin, db.Model):
    """A master's signature: this student practised this competence on this operation."""

    __tablename__ = "competence_signoffs"
    __table_args__ = (sa.UniqueConstraint("student_id", "operation_id", "competence_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(sa.ForeignKey("students.id"), index=True)
    operation_id: Mapped[int] = mapped_column(sa.ForeignKey("operations.id", ondelete="CASCADE"))
    competence_id: Mapped[int] = mapped_column(sa.ForeignKey("competences.id"))
    signed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    student: Mapped[Student] = relationship()
    operation: Mapped[Operation] = relationship()
    competence: Mapped[Competence] = relationship()
    signed_by: Mapped[User] = relationship()


class CalendarFeed(TenantMixin, db.Model):
    """A calendar address made for one person (``owner``), of one workshop or one student.

    The address carries ``<id>.<HMAC of the id and nonce>``: it is shown again on the page
    that made it, a new nonce replaces it (the old address stops), and the database alone
    cannot forge one. Archiving the owner, the workshop or the student revokes it.
    """

    __tablename__ = "calendar_feeds"
    __table_args__ = (
        sa.CheckConstraint("(workshop_id IS NULL) <> (student_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    workshop_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workshops.id"), index=True)
    student_id: Mapped[int | None] = mapped_column(sa.ForeignKey("students.id"), index=True)
    nonce: Mapped[str] = mapped_column(Line(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    owner: Mapped[User] = relationship()
