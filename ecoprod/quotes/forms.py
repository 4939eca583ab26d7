from __future__ import annotations

from wtforms import BooleanField, DateField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ecoprod.forms import BaseForm, none_if_empty, text_field
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.pricing.forms import PricedLinesForm, percent_field


class QuoteForm(PricedLinesForm):
    discount_percent = percent_field(_l("Discount on the whole quote %"))
    valid_until = DateField(_l("Valid until"), validators=[InputRequired()])
    promised_date = DateField(_l("Promised delivery date"), validators=[Optional()])
    lead_time = text_field(_l("Lead time"), 200, description=_l("e.g. 3 weeks after acceptance"))
    conditions = TextAreaField(
        _l("Conditions"), validators=[Optional(), Length(max=5000)], filters=[none_if_empty]
    )


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
