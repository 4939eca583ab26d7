from __future__ import annotations

from decimal import Decimal

from wtforms import BooleanField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ecoprod.forms import BaseForm, LocalDecimalField, none_if_empty, options, text_field
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.workshops.models import TRADE_LABELS, Trade
from ecoprod.workshops.services import MachineInput, WorkshopInput

TRADE_CHOICES = options((t.value, TRADE_LABELS[t]) for t in Trade)


class WorkshopForm(BaseForm):
    name = text_field(_l("Name"), 120, required=True)
    trade = SelectField(_l("Trade"), choices=TRADE_CHOICES, validators=[DataRequired()])
    hourly_rate = LocalDecimalField(
        _l("Hourly rate excl. VAT (€)"),
        places=2,
        validators=[
            DataRequired(),
            NumberRange(
                min=Decimal("0"), max=Decimal("10000"), message=_l("Give a rate between 0 and 10,000 €.")
            ),
        ],
    )
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=5000)], filters=[none_if_empty]
    )
    masters = SelectMultipleField(_l("Masters"), coerce=int, validators=[Optional()])

    def to_input(self) -> WorkshopInput:
        return WorkshopInput(
            self.name.data, Trade(self.trade.data), self.hourly_rate.data, self.description.data
        )


class MachineForm(BaseForm):
    name = text_field(_l("Name"), 120, required=True)
    description = text_field(_l("Description"), 300)
    regulated = BooleanField(
        _l("Regulated machine"),
        description=_l("Work by minors on it needs a derogation (décret 2013-915)."),
    )

    def to_input(self) -> MachineInput:
        return MachineInput(self.name.data, self.description.data, self.regulated.data)
