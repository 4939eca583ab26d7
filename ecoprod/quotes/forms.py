from __future__ import annotations

from decimal import Decimal

from wtforms import BooleanField, DateField, FieldList, FormField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ecoprod.forms import BaseForm, LocalDecimalField, RowForm, none_if_empty, options, text_field
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.orders.models import UNIT_LABELS, Unit
from ecoprod.quotes.models import LINE_KIND_LABELS, LineKind

MAX_LINES = 300


def _percent(label: object) -> LocalDecimalField:
    return LocalDecimalField(
        label,
        places=2,
        default=Decimal("0"),
        validators=[
            Optional(),
            NumberRange(min=Decimal("0"), max=Decimal("100"), message=_l("A percentage between 0 and 100.")),
        ],
    )


class QuoteLineForm(RowForm):
    required = {
        "description": _l("Describe the line."),
        "quantity": _l("Give a quantity."),
        "unit_price": _l("Give a unit price."),
    }

    kind = SelectField(_l("Kind"), choices=options((k.value, LINE_KIND_LABELS[k]) for k in LineKind))
    description = text_field(_l("Description"), 500)
    workshop_id = SelectField(_l("Workshop"), coerce=int, choices=[], validators=[Optional()])
    unit = SelectField(_l("Unit"), choices=options((u.value, UNIT_LABELS[u]) for u in Unit))
    quantity = LocalDecimalField(
        _l("Quantity"),
        places=3,
        validators=[
            Optional(),
            NumberRange(
                min=Decimal("0.001"),
                max=Decimal("1000000"),
                message=_l("Give a quantity above zero, one million at most."),
            ),
        ],
    )
    unit_price = LocalDecimalField(
        _l("Unit price excl. VAT (€)"),
        places=2,
        validators=[
            Optional(),
            NumberRange(
                min=Decimal("0"), max=Decimal("10000000"), message=_l("A price between 0 and 10,000,000 €.")
            ),
        ],
    )
    discount_percent = _percent(_l("Discount %"))
    vat_rate = SelectField(_l("VAT"), choices=[])


class QuoteForm(BaseForm):
    lines = FieldList(FormField(QuoteLineForm), min_entries=1, max_entries=MAX_LINES)
    discount_percent = _percent(_l("Discount on the whole quote %"))
    valid_until = DateField(_l("Valid until"), validators=[InputRequired()])
    promised_date = DateField(_l("Promised delivery date"), validators=[Optional()])
    lead_time = text_field(_l("Lead time"), 200, description=_l("e.g. 3 weeks after acceptance"))
    conditions = TextAreaField(
        _l("Conditions"), validators=[Optional(), Length(max=5000)], filters=[none_if_empty]
    )

    def set_choices(self, workshops: list, rates: list) -> None:
        for entry in self.lines:
            entry.form.workshop_id.choices = workshops
            entry.form.vat_rate.choices = rates
        self._choices = (workshops, rates)

    def blank_line(self) -> QuoteLineForm:
        line = QuoteLineForm(prefix="lines-__index__-")
        line.workshop_id.choices, line.vat_rate.choices = getattr(self, "_choices", ([], []))
        return line


class AcceptForm(BaseForm):
    full_name = text_field(_l("Your full name"), 120, required=True)
    agree = BooleanField(
        _l("“Bon pour accord”: I accept this quote on behalf of my company"),
        validators=[DataRequired(message=_l("Tick the box to accept."))],
    )


class RefuseForm(BaseForm):
    reason = TextAreaField(
        _l("Why do you refuse this quote?"),
        validators=[DataRequired(), Length(max=2000)],
        filters=[none_if_empty],
    )
