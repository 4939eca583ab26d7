"""The priced-line form quotes and invoices share, and the form of a list of such lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from wtforms import FieldList, FormField, SelectField
from wtforms.validators import NumberRange, Optional

from ecoprod.forms import BaseForm, LocalDecimalField, RowForm, options, text_field
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.orders.models import UNIT_LABELS, Unit
from ecoprod.pricing.models import LINE_KIND_LABELS, LineKind

MAX_LINES = 300


def percent_field(label: object) -> LocalDecimalField:
    return LocalDecimalField(
        label,
        places=2,
        default=Decimal("0"),
        validators=[
            Optional(),
            NumberRange(min=Decimal("0"), max=Decimal("100"), message=_l("A percentage between 0 and 100.")),
        ],
    )


class PricedLineForm(RowForm):
    """One priced line of a quote or an invoice."""

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
    discount_percent = percent_field(_l("Discount %"))
    vat_rate = SelectField(_l("VAT"), choices=[])


class PricedLinesForm(BaseForm):
    """A form with a table of priced lines; subclasses add their own fields (and may use a
    line form of their own: ``line_form``)."""

    line_form: type[PricedLineForm] = PricedLineForm
    lines = FieldList(FormField(PricedLineForm), min_entries=1, max_entries=MAX_LINES)

    def set_choices(self, workshops: list[Any], rates: list[Any]) -> None:
        for entry in self.lines:
            entry.form.workshop_id.choices = workshops
            entry.form.vat_rate.choices = rates
        self._choices = (workshops, rates)

    def blank_line(self) -> PricedLineForm:
        """The line the page's script copies when "add a line" is pressed."""
        line = self.line_form(prefix="lines-__index__-")
        line.workshop_id.choices, line.vat_rate.choices = getattr(self, "_choices", ([], []))
        return line
