from __future__ import annotations

from datetime import date

from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from ecoprod.forms import BaseForm, text_field
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.i18n import local_today
from ecoprod.students.services import StudentInput
from ecoprod.workshops.forms import TRADE_CHOICES
from ecoprod.workshops.models import Trade


class StudentForm(BaseForm):
    student_number = text_field(_l("Student number"), 30)
    first_name = text_field(_l("First name"), 80, required=True)
    last_name = text_field(_l("Last name"), 80, required=True)
    birth_date = DateField(_l("Date of birth"), validators=[DataRequired()])
    trade = SelectField(_l("Trade"), choices=TRADE_CHOICES, validators=[DataRequired()])
    training_year = IntegerField(
        _l("Year of training"), validators=[DataRequired(), NumberRange(min=1, max=4)], default=1
    )
    workshop_id = SelectField(_l("Workshop"), coerce=int, validators=[Optional()])

    def to_input(self) -> StudentInput:
        return StudentInput(
            first_name=self.first_name.data,
            last_name=self.last_name.data,
            birth_date=self.birth_date.data,
            trade=Trade(self.trade.data),
            training_year=self.training_year.data,
            workshop_id=self.workshop_id.data or None,
            student_number=self.student_number.data,
        )

    def validate_birth_date(self, field: DateField) -> None:
        today = local_today()
        if field.data and not (date(today.year - 30, 1, 1) <= field.data <= date(today.year - 13, 12, 31)):
            raise ValidationError(_l("Students are between 13 and 30 years old: check the date."))


class StudentFilterForm(BaseForm):
    class Meta:
        csrf = False

    q = text_field(_l("Search"), 100)
    workshop = SelectField(_l("Workshop"), coerce=int, validators=[Optional()])
