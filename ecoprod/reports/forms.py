"""The material cost form (the order page's margins panel) and its input."""

from __future__ import annotations

from decimal import Decimal

from wtforms import DateField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from ecoprod.forms import BaseForm, LocalDecimalField, text_field
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.reports.services import MaterialCostInput
from ecoprod.reports.services.costs import MAX_AMOUNT


def _int_or_none(value: object) -> int | None:
    return int(value) if value not in (None, "", "None") else None


class MaterialCostForm(BaseForm):
    label = text_field(_l("What was bought"), 200, required=True)
    amount = LocalDecimalField(
        _l("Amount excl. VAT (€)"),
        places=2,
        validators=[InputRequired(), NumberRange(min=Decimal("0.01"), max=MAX_AMOUNT)],
    )
    spent_on = DateField(_l("Bought on"), validators=[InputRequired()])
    workshop_id = SelectField(_l("For the workshop"), coerce=_int_or_none, validators=[Optional()])

    def to_input(self) -> MaterialCostInput:
        return MaterialCostInput(
            label=self.label.data,
            amount=self.amount.data,
            spent_on=self.spent_on.data,
            workshop_id=self.workshop_id.data,
        )
