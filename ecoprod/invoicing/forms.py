from __future__ import annotations

from decimal import Decimal

from wtforms import DateField, FieldList, FormField, HiddenField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ecoprod.forms import BaseForm, LocalDecimalField, none_if_empty, options, text_field
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.invoicing.models import PAYMENT_METHOD_LABELS, PaymentMethod
from ecoprod.pricing.forms import MAX_LINES, PricedLineForm, PricedLinesForm


class InvoiceLineForm(PricedLineForm):
    """A priced line, with the id that keeps a line tied to its order and quote line."""

    line_id = HiddenField()


class InvoiceForm(PricedLinesForm):
    line_form = InvoiceLineForm
    lines = FieldList(FormField(InvoiceLineForm), min_entries=1, max_entries=MAX_LINES)
    notes = TextAreaField(
        _l("Note printed on the invoice"), validators=[Optional(), Length(max=2000)], filters=[none_if_empty]
    )


class CreditNoteForm(BaseForm):
    """One quantity field per line of the invoice, ``credit-<line id>``, added by
    ``credit_note_form`` with what is left to credit of it as the maximum."""


def credit_note_form(lines: list, left: dict[int, Decimal], formdata: object = None) -> CreditNoteForm:
    class Form(CreditNoteForm):
        pass

    for line in lines:
        setattr(
            Form,
            f"credit-{line.id}",
            LocalDecimalField(
                _l("To credit"),
                places=None,
                default=Decimal("0"),
                validators=[
                    Optional(),
                    NumberRange(
                        min=Decimal("0"),
                        max=left.get(line.id, Decimal("0")),
                        message=_l("Between 0 and what is left to credit of this line."),
                    ),
                ],
            ),
        )
    return Form(prefix="") if formdata is None else Form(formdata=formdata)


class DepositForm(BaseForm):
    percent = LocalDecimalField(
        _l("Deposit (percent of the quote)"),
        places=2,
        validators=[InputRequired(), NumberRange(min=Decimal("1"), max=Decimal("100"))],
    )


class GroupForm(BaseForm):
    start = DateField(_l("Deliveries from"), validators=[InputRequired()])
    end = DateField(_l("to"), validators=[InputRequired()])


class PaymentForm(BaseForm):
    paid_on = DateField(_l("Received on"), validators=[InputRequired()])
    amount = LocalDecimalField(
        _l("Amount (€)"),
        places=2,
        validators=[InputRequired(), NumberRange(min=Decimal("0.01"), max=Decimal("100000000"))],
    )
    method = SelectField(
        _l("Method"), choices=options((m.value, PAYMENT_METHOD_LABELS[m]) for m in PaymentMethod)
    )
    reference = text_field(_l("Reference (cheque number, transfer label…)"), 120)


class PeriodForm(BaseForm):
    start = DateField(_l("From"), validators=[InputRequired()])
    end = DateField(_l("To"), validators=[InputRequired()])
