from __future__ import annotations

from decimal import Decimal

from flask_wtf.file import FileField
from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ecoprod.forms import BaseForm, LocalDecimalField, text_field
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.orders.models import Order


class DeliveryForm(BaseForm):
    """One quantity field per order line, ``q<line id>``, added by ``delivery_form``."""


def delivery_form(order: Order, remaining: dict[int, Decimal], formdata: object = None) -> DeliveryForm:
    class Form(DeliveryForm):
        pass

    for line in order.lines:
        setattr(
            Form,
            f"q{line.id}",
            LocalDecimalField(
                _l("Quantity delivered"),
                places=None,
                validators=[InputRequired(), NumberRange(min=0)],
                default=remaining[line.id],
            ),
        )
    return Form() if formdata is None else Form(formdata=formdata)


class ReceptionForm(BaseForm):
    name = text_field(_l("Received by (name)"), 120, required=True)
    received_on = DateField(_l("Received on"), validators=[InputRequired()])
    reservations = TextAreaField(
        _l("Reservations (damage, missing items…)"), validators=[Optional(), Length(max=2000)]
    )


class ScanForm(BaseForm):
    scan = FileField(_l("Signed delivery note (PDF, PNG or JPEG)"), validators=[DataRequired()])
    received_on = DateField(_l("Received on"), validators=[InputRequired()])
