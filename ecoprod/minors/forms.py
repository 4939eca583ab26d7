from __future__ import annotations

from wtforms import BooleanField, DateField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from ecoprod.forms import BaseForm, text_field
from ecoprod.i18n import lazy_gettext as _l


class DeclarationForm(BaseForm):
    declared_on = DateField(_l("Declared on"), validators=[InputRequired()])
    reference = text_field(_l("Reference"), 80)
    work_covered = text_field(_l("Work and machines covered"), 500, required=True)
    machine_ids = SelectMultipleField(
        _l("Regulated machines covered"),
        coerce=int,
        validators=[DataRequired(message=_l("Choose the machines covered."))],
    )


class MedicalOpinionForm(BaseForm):
    given_on = DateField(_l("Opinion given on"), validators=[InputRequired()])
    valid_until = DateField(_l("Valid until"), validators=[InputRequired()])
    fit = BooleanField(_l("Fit for work on regulated machines"), default=True)

    def validate_valid_until(self, field: DateField) -> None:
        if self.given_on.data and field.data and field.data < self.given_on.data:
            raise ValidationError(_l("The end of validity comes after the opinion."))


class TrainingForm(BaseForm):
    machine_id = SelectField(_l("Machine"), coerce=int, validators=[DataRequired()])
    trained_on = DateField(_l("Trained on"), validators=[InputRequired()])
