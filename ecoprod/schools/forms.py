from __future__ import annotations

from dataclasses import fields as dataclass_fields
from decimal import Decimal
from typing import Any

from flask_wtf.file import FileField
from wtforms import BooleanField, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ecoprod.forms import (
    AddressForm,
    BaseForm,
    LocalDecimalField,
    email_field,
    none_if_empty,
    options,
    text_field,
)
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.identifiers import Identifier, clean_bic, clean_iban, clean_rna, clean_siret, clean_vat
from ecoprod.schools.models import VAT_FILING_LABELS, VAT_REGIME_LABELS, VatFiling, VatRegime
from ecoprod.schools.services import SchoolIdentityInput, SchoolSettingsInput

PREFIX = Regexp(r"^[A-Z]{1,8}$", message=_l("Capital letters only, 8 at most."))
ACCOUNT = Regexp(r"^[0-9A-Z]{1,10}$", message=_l("Digits and capital letters only, 10 at most."))


class SchoolIdentityForm(BaseForm):
    name = text_field(_l("Name"), 200, required=True)
    legal_form = text_field(_l("Legal form"), 80, description=_l("e.g. Association loi 1901"))
    siret = StringField(_l("SIRET"), validators=[DataRequired(), Identifier(clean_siret)])
    vat_number = StringField(_l("VAT number"), validators=[Optional(), Identifier(clean_vat)])
    rna = StringField(_l("RNA number"), validators=[Optional(), Identifier(clean_rna)])
    email = email_field(_l("Contact e-mail"), required=False)
    phone = text_field(_l("Phone"), 30)
    address = FormField(AddressForm, label=_l("Address"))

    def _values(self, input_class: type) -> dict[str, Any]:
        values = {
            item.name: self[item.name].data
            for item in dataclass_fields(input_class)
            if item.name != "address"
        }
        return values | {"address": self.address.form.to_address()}

    def to_identity(self) -> SchoolIdentityInput:
        return SchoolIdentityInput(**self._values(SchoolIdentityInput))


class SchoolSettingsForm(SchoolIdentityForm):
    iban = StringField(_l("IBAN"), validators=[Optional(), Identifier(clean_iban)])
    bic = StringField(_l("BIC"), validators=[Optional(), Identifier(clean_bic)])
    vat_regime = SelectField(
        _l("VAT regime"), choices=options((r.value, VAT_REGIME_LABELS[r]) for r in VatRegime)
    )
    vat_filing = SelectField(
        _l("VAT returns"),
        choices=options((f.value, VAT_FILING_LABELS[f]) for f in VatFiling),
        default=VatFiling.MONTHLY.value,
        description=_l("Sets how often sales to individuals and abroad are e-reported."),
    )
    vat_exemption_text = text_field(
        _l("Exemption text printed on documents"),
        300,
        description=_l(
            "Required when the school is exempt, e.g. “Exonération de TVA, art. 261-7-1° b du CGI”."
        ),
    )
    quote_prefix = StringField(_l("Quotes"), validators=[DataRequired(), PREFIX])
    delivery_prefix = StringField(_l("Delivery notes"), validators=[DataRequired(), PREFIX])
    invoice_prefix = StringField(_l("Invoices"), validators=[DataRequired(), PREFIX])
    credit_note_prefix = StringField(_l("Credit notes"), validators=[DataRequired(), PREFIX])
    request_prefix = StringField(_l("Order requests"), validators=[DataRequired(), PREFIX])
    quote_validity_days = IntegerField(
        _l("Validity of quotes (days)"),
        validators=[DataRequired(), NumberRange(min=1, max=365, message=_l("Between 1 and 365 days."))],
    )
    student_retention_years = IntegerField(
        _l("Erase a student's data this many years after they left"),
        validators=[DataRequired(), NumberRange(min=1, max=30, message=_l("Between 1 and 30 years."))],
        description=_l(
            "Each night, the files of students archived longer ago are erased; the administrators get a report."
        ),
    )
    quote_conditions = TextAreaField(
        _l("Conditions printed on quotes"),
        validators=[Optional(), Length(max=5000)],
        filters=[none_if_empty],
        description=_l(
            "e.g. materials and prices valid for the validity of the quote; delivery from the school."
        ),
    )
    late_penalty_rate = LocalDecimalField(
        _l("Late-payment penalty rate (% a year)"),
        places=2,
        validators=[
            DataRequired(message=_l("Give a rate.")),
            NumberRange(min=Decimal("0"), max=Decimal("100"), message=_l("Between 0 and 100.")),
        ],
        description=_l("At least three times the legal interest rate; usually the ECB rate plus 10 points."),
    )
    early_payment_terms = text_field(
        _l("Early payment discount"),
        300,
        description=_l("Printed on invoices; leave empty for “Pas d’escompte pour paiement anticipé”."),
    )
    vat_on_debits = BooleanField(_l("VAT on debits (option for services)"))
    deposit_percent = LocalDecimalField(
        _l("Default deposit (percent of the quote)"),
        places=2,
        validators=[
            DataRequired(message=_l("Give a percentage.")),
            NumberRange(min=Decimal("1"), max=Decimal("100"), message=_l("Between 1 and 100.")),
        ],
    )
    sales_journal = StringField(_l("Sales journal code"), validators=[DataRequired(), ACCOUNT])
    customer_account_prefix = StringField(_l("Customer accounts"), validators=[DataRequired(), ACCOUNT])
    sales_account = StringField(_l("Sales account"), validators=[DataRequired(), ACCOUNT])
    logo = FileField(_l("Logo (PNG or JPEG, 1 MB at most)"))

    def to_input(self) -> SchoolSettingsInput:
        return SchoolSettingsInput(
            **(
                self._values(SchoolSettingsInput)
                | {
                    "vat_regime": VatRegime(self.vat_regime.data),
                    "vat_filing": VatFiling(self.vat_filing.data),
                }
            )
        )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.vat_regime.data == VatRegime.EXEMPT.value and not self.vat_exemption_text.data:
            self.vat_exemption_text.errors = [
                *self.vat_exemption_text.errors,
                _l("Give the legal text of the exemption."),
            ]
            return False
        if self.vat_regime.data == VatRegime.SUBJECT.value and self.vat_filing.data == VatFiling.NONE.value:
            self.vat_filing.errors = [
                *self.vat_filing.errors,
                _l("A school subject to VAT files returns: choose the normal or the simplified regime."),
            ]
            return False
        return valid


class NewSchoolForm(SchoolIdentityForm):
    slug = StringField(
        _l("Short name in addresses"),
        validators=[
            DataRequired(),
            Length(max=60),
            Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message=_l("Lower-case letters, digits and hyphens.")),
        ],
    )
    admin_name = text_field(_l("Full name of the first administrator"), 120, required=True)
    admin_email = email_field(_l("E-mail of the first administrator"))


class VatRateForm(BaseForm):
    rate = LocalDecimalField(
        _l("Rate (%)"),
        places=2,
        validators=[
            DataRequired(message=_l("Give a rate.")),
            NumberRange(min=Decimal("0"), max=Decimal("100")),
        ],
    )
    label = text_field(_l("Label"), 80)
    account = StringField(
        _l("VAT account"),
        validators=[Optional(), ACCOUNT],
        filters=[none_if_empty],
        description=_l("e.g. 445711; empty for the usual account of the rate."),
    )
    is_default = BooleanField(_l("Default rate of new lines"))
