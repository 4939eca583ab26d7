from __future__ import annotations

from wtforms import BooleanField, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ecoprod.customers.models import CUSTOMER_TYPE_LABELS, PAYMENT_TERMS_LABELS, CustomerType, PaymentTerms
from ecoprod.customers.services import ContactInput, CustomerInput
from ecoprod.forms import (
    LANGUAGES,
    AddressForm,
    BaseForm,
    OptionalAddressForm,
    email_field,
    none_if_empty,
    options,
    text_field,
)
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.identifiers import Identifier, clean_siret_or_siren, clean_vat


class CustomerForm(BaseForm):
    name = text_field(_l("Company name"), 200, required=True)
    customer_type = SelectField(
        _l("Kind of customer"),
        choices=options((t.value, CUSTOMER_TYPE_LABELS[t]) for t in CustomerType),
        default=CustomerType.BUSINESS.value,
        description=_l(
            "Decides how invoices go out from September 2027: through the platform, or e-reported."
        ),
    )
    service_code = text_field(
        _l("Service code"),
        100,
        description=_l("For a public body: the service code (Chorus Pro) printed on its invoices."),
    )
    legal_form = text_field(_l("Legal form"), 80)
    siret = StringField(
        _l("SIRET or SIREN"),
        validators=[Optional(), Identifier(clean_siret_or_siren)],
        description=_l("Required on invoices since the e-invoicing reform."),
    )
    vat_number = StringField(_l("VAT number"), validators=[Optional(), Identifier(clean_vat)])
    email = email_field(_l("Billing e-mail"), required=False)
    phone = text_field(_l("Phone"), 30)
    billing_address = FormField(AddressForm, label=_l("Billing address"))
    delivery_address = FormField(OptionalAddressForm, label=_l("Delivery address"))
    payment_terms = SelectField(
        _l("Payment terms"), choices=options((t.value, PAYMENT_TERMS_LABELS[t]) for t in PaymentTerms)
    )
    language = SelectField(_l("Language of documents"), choices=options(LANGUAGES))
    notes = TextAreaField(
        _l("Internal notes"), validators=[Optional(), Length(max=5000)], filters=[none_if_empty]
    )

    def to_input(self) -> CustomerInput:
        return CustomerInput(
            name=self.name.data,
            legal_form=self.legal_form.data,
            siret=self.siret.data,
            vat_number=self.vat_number.data,
            email=self.email.data,
            phone=self.phone.data,
            billing_address=self.billing_address.form.to_address(),
            delivery_address=self.delivery_address.form.to_address(),
            payment_terms=PaymentTerms(self.payment_terms.data),
            language=self.language.data,
            notes=self.notes.data,
            customer_type=CustomerType(self.customer_type.data),
            service_code=self.service_code.data,
        )


class ContactForm(BaseForm):
    name = text_field(_l("Name"), 120, required=True)
    job_title = text_field(_l("Job title"), 120)
    email = email_field(_l("E-mail"), required=False)
    phone = text_field(_l("Phone"), 30)
    is_primary = BooleanField(_l("Main contact (receives quotes and invoices)"))

    def to_input(self) -> ContactInput:
        return ContactInput(
            self.name.data, self.job_title.data, self.email.data, self.phone.data, self.is_primary.data
        )


class InviteCustomerUserForm(BaseForm):
    full_name = text_field(_l("Full name"), 120, required=True)
    email = email_field(_l("E-mail address"))
