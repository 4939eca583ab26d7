from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from ecoprod.accounts.models import User
from ecoprod.extensions import db
from ecoprod.forms import BaseForm, LocalDecimalField, options, text_field
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.orders.models import Order
from ecoprod.planning.models import (
    CALENDAR_KIND_LABELS,
    OPERATION_KIND_LABELS,
    OPERATION_STATUS_LABELS,
    QUALITY_LABELS,
    CalendarKind,
    Competence,
    Operation,
    OperationKind,
    OperationStatus,
    QualityResult,
)
from ecoprod.slots import HALF_LABELS, Half
from ecoprod.workshops.models import Machine, Workshop

DIFFICULTIES = options((n, str(n)) for n in range(1, 5))
HALVES = options((h.value, HALF_LABELS[h]) for h in Half)


def hours_field(label: object, maximum: str = "500") -> LocalDecimalField:
    return LocalDecimalField(
        label,
        places=2,
        validators=[
            InputRequired(),
            NumberRange(
                min=Decimal("0.25"),
                max=Decimal(maximum),
                message=_l("Between 0.25 and %(max)s hours.", max=maximum),
            ),
        ],
    )


class OperationForm(BaseForm):
    kind = SelectField(
        _l("Kind"), choices=options((k.value, OPERATION_KIND_LABELS[k]) for k in OperationKind)
    )
    name = text_field(_l("Operation"), 200, required=True)
    workshop_id = SelectField(_l("Workshop"), coerce=int, validators=[DataRequired()])
    estimated_hours = hours_field(_l("Estimated hours"))
    difficulty = SelectField(_l("Difficulty (1–4)"), coerce=int, choices=DIFFICULTIES)
    machine_id = SelectField(_l("Machine needed"), coerce=int, validators=[Optional()])
    competence_ids = SelectMultipleField(_l("Competences trained"), coerce=int, validators=[Optional()])


class AssignForm(BaseForm):
    student_id = SelectField(_l("Student"), coerce=int, validators=[DataRequired()])
    slots = SelectMultipleField(
        _l("Half-days"), validators=[DataRequired(message=_l("Choose at least one half-day."))]
    )


def _int_or_none(value: object) -> int | None:
    return int(value) if value not in (None, "") else None


class MoveForm(BaseForm):
    """Where to move an assignment; a blank field keeps the current student or half-day."""

    student_id = SelectField(_l("Student"), coerce=_int_or_none, validators=[Optional()])
    slot = SelectField(_l("Half-day"), validators=[Optional()])


class TimeLogForm(BaseForm):
    student_id = SelectField(_l("Student"), coerce=int, validators=[DataRequired()])
    day = DateField(_l("Day"), validators=[InputRequired()])
    hours = hours_field(_l("Hours"), "12")
    note = text_field(_l("Note"), 500)


class OwnTimeForm(BaseForm):
    day = DateField(_l("Day"), validators=[InputRequired()])
    hours = hours_field(_l("Hours"), "12")
    note = text_field(_l("What I did"), 500)


class ProgressForm(BaseForm):
    status = SelectField(
        _l("Status"), choices=options((s.value, OPERATION_STATUS_LABELS[s]) for s in OperationStatus)
    )
    percent_done = IntegerField(_l("Percent done"), validators=[InputRequired(), NumberRange(min=0, max=100)])
    blocked_reason = text_field(_l("Why it is blocked"), 500)
    quality = SelectField(
        _l("Quality check"), choices=options((q.value, QUALITY_LABELS[q]) for q in QualityResult)
    )
    quality_note = text_field(_l("Quality note"), 500)


class PhotoForm(BaseForm):
    photo = FileField(_l("Photo (PNG or JPEG)"), validators=[DataRequired()])
    caption = text_field(_l("Caption"), 200)
    shared = BooleanField(_l("Show to the customer (the work only: no face, no name)"))


class SignoffForm(BaseForm):
    student_id = SelectField(_l("Student"), coerce=int, validators=[DataRequired()])
    competence_id = SelectField(_l("Competence"), coerce=int, validators=[DataRequired()])


class TemplateForm(BaseForm):
    name = text_field(_l("Name of the routing"), 120, required=True)


class ApplyTemplateForm(BaseForm):
    template_id = SelectField(_l("Routing"), coerce=int, validators=[DataRequired()])


class CalendarEventForm(BaseForm):
    kind = SelectField(_l("Kind"), choices=options((k.value, CALENDAR_KIND_LABELS[k]) for k in CalendarKind))
    label = text_field(_l("Label"), 200, required=True)
    start_date = DateField(_l("First day"), validators=[InputRequired()])
    end_date = DateField(_l("Last day"), validators=[InputRequired()])

    def validate_end_date(self, field: DateField) -> None:
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError(_l("The last day comes after the first."))


class CalendarImportForm(BaseForm):
    ics = FileField(_l("Calendar file (.ics)"), validators=[DataRequired()])
    kind = SelectField(
        _l("Kind of the imported days"),
        choices=options((k.value, CALENDAR_KIND_LABELS[k]) for k in CalendarKind),
    )


class AbsenceForm(BaseForm):
    start_date = DateField(_l("From"), validators=[InputRequired()])
    end_date = DateField(_l("To"), validators=[InputRequired()])
    half = SelectField(
        _l("Part of the day"), choices=[SelectChoice("", _l("Whole days")), *HALVES], validators=[Optional()]
    )
    reason = text_field(_l("Reason"), 200)

    def validate_end_date(self, field: DateField) -> None:
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError(_l("The last day comes after the first."))


class TimetableForm(BaseForm):
    pattern = SelectMultipleField(_l("Half-days in the workshop"), validators=[Optional()])
    level = SelectField(_l("Level (difficulty the student is ready for)"), coerce=int, choices=DIFFICULTIES)
    supervisor_id = SelectField(
        _l("Named supervisor on regulated machines"), coerce=int, validators=[Optional()]
    )


class CompetenceForm(BaseForm):
    code = text_field(_l("Code"), 20, required=True)
    name = text_field(_l("Competence"), 200, required=True)
    diploma = text_field(_l("Diploma"), 60)


class StudentAccountForm(BaseForm):
    email = text_field(_l("E-mail address (sign-in)"), 254, required=True)
    password = text_field(_l("First password (10 characters at least)"), 200, required=True)


def operation_form(
    order: Order, user: User, operation: Operation | None = None, *, prefill: bool = False
) -> OperationForm:
    """The operation form with its choices; ``prefill`` fills it from the operation, or a new
    one with the user's likeliest workshop (a page shown, not a form posted)."""
    form = OperationForm(obj=operation)
    workshops = list(
        db.session.scalars(sa.select(Workshop).where(Workshop.archived_at.is_(None)).order_by(Workshop.name))
    )
    form.workshop_id.choices = options((w.id, w.name) for w in workshops)
    machines = db.session.scalars(
        sa.select(Machine)
        .where(Machine.archived_at.is_(None))
        .options(sa.orm.joinedload(Machine.workshop))
        .order_by(Machine.name)
    )
    form.machine_id.choices = [
        SelectChoice(0, str(_l("None"))),
        *(SelectChoice(m.id, f"{m.name} ({m.workshop.name}){' ⚠' if m.regulated else ''}") for m in machines),
    ]
    competences = db.session.scalars(
        sa.select(Competence).where(Competence.archived_at.is_(None)).order_by(Competence.code)
    )
    form.competence_ids.choices = options((c.id, c.title) for c in competences)
    if operation is None and prefill:
        form.workshop_id.data = _likely_workshop(order, user, workshops)
    if operation is not None and prefill:
        form.kind.data = operation.kind.value
        form.machine_id.data = operation.machine_id or 0
        form.competence_ids.data = [c.id for c in operation.competences]
    return form


def _likely_workshop(order: Order, user: User, workshops: list[Workshop]) -> int | None:
    """The workshop a new operation most likely goes to: the user's own, for the order's trades."""
    trades = {line.trade for line in order.lines}
    mine = {w.id for w in user.workshops} if user.is_master else set()
    ranked = sorted((w for w in workshops if w.trade in trades), key=lambda w: (w.id not in mine, w.name))
    return ranked[0].id if ranked else None
