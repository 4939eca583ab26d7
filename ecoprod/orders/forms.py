from __future__ import annotations

from decimal import Decimal

from wtforms import (
    DateField,
    FieldList,
    FormField,
    MultipleFileField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from ecoprod.forms import (
    BaseForm,
    LocalDecimalField,
    OptionalAddressForm,
    RowForm,
    none_if_empty,
    options,
    text_field,
)
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.orders.models import UNIT_LABELS, Unit

MAX_LINES = 50


class LineForm(RowForm):
    """One line of a request."""

    required = {"description": _l("Describe the part or the work."), "quantity": _l("Give a quantity.")}

    description = text_field(_l("Part or work wanted"), 500)
    material = text_field(_l("Material"), 200)
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
    unit = SelectField(_l("Unit"), choices=options((u.value, UNIT_LABELS[u]) for u in Unit))
    trade = SelectField(_l("Trade"), choices=[])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)], filters=[none_if_empty])


class OrderRequestForm(BaseForm):
    title = text_field(_l("Title"), 200, required=True, description=_l("e.g. 40 brackets for conveyor"))
    customer_reference = text_field(
        _l("Your purchase order reference"), 60, description=_l("Optional: printed on our documents.")
    )
    desired_date = DateField(_l("Desired delivery date"), validators=[Optional()])
    delivery_address = FormField(OptionalAddressForm, label=_l("Delivery address"))
    notes = TextAreaField(
        _l("Comments for the school"), validators=[Optional(), Length(max=5000)], filters=[none_if_empty]
    )
    lines = FieldList(FormField(LineForm), min_entries=1, max_entries=MAX_LINES)
    drawings = MultipleFileField(_l("Files to attach"))

    def set_trade_choices(self, choices: list[SelectChoice]) -> None:
        for entry in self.lines:
            entry.form.trade.choices = choices
        self._trade_choices = choices

    def blank_line(self) -> LineForm:
        """An empty line for the page's ``<template>`` (cloned by the browser)."""
        line = LineForm(prefix="lines-__index__-")
        line.trade.choices = getattr(self, "_trade_choices", [])
        return line
