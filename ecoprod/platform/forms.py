"""The audit trail's filters (a GET form: it changes nothing)."""

from __future__ import annotations

from wtforms import DateField, SelectField, ValidationError
from wtforms.validators import Optional

from ecoprod.forms import BaseForm
from ecoprod.i18n import lazy_gettext as _l


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    person = SelectField(_l("Person"), coerce=int, validators=[Optional()])
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])

    def validate_end(self, field: DateField) -> None:
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end comes before the start."))
