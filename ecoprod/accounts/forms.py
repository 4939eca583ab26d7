from __future__ import annotations

from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ecoprod.accounts.models import Role
from ecoprod.forms import LANGUAGES, BaseForm, email_field, options, text_field
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.identifiers import Identifier, clean_siret_or_siren


class LoginForm(BaseForm):
    email = email_field(_l("E-mail address"))
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Stay signed in on this device"))


class ForgotPasswordForm(BaseForm):
    email = email_field(_l("E-mail address"))


class NewPasswordForm(BaseForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])


class ProfileForm(BaseForm):
    full_name = text_field(_l("Full name"), 120, required=True)
    phone = text_field(_l("Phone"), 30)
    locale = SelectField(_l("Language"), choices=options(LANGUAGES))


class SignupForm(BaseForm):
    """The password is chosen later, through the link e-mailed to the address."""

    company_name = text_field(_l("Company name"), 200, required=True)
    siret = StringField(
        _l("SIRET or SIREN of the company"),
        validators=[Optional(), Identifier(clean_siret_or_siren)],
    )
    full_name = text_field(_l("Your full name"), 120, required=True)
    email = email_field(_l("Your professional e-mail address"))


STAFF_ROLES = options(
    [(Role.ADMIN.value, _l("Administrator")), (Role.MASTER.value, _l("Master-professional"))]
)


class InviteStaffForm(BaseForm):
    full_name = text_field(_l("Full name"), 120, required=True)
    email = email_field(_l("E-mail address"))
    role = SelectField(_l("Role"), choices=STAFF_ROLES, validators=[DataRequired()])
    workshops = SelectMultipleField(_l("Workshops (for a master)"), coerce=int, validators=[Optional()])


class EditUserForm(BaseForm):
    full_name = text_field(_l("Full name"), 120, required=True)
    phone = text_field(_l("Phone"), 30)
    workshops = SelectMultipleField(_l("Workshops (for a master)"), coerce=int, validators=[Optional()])


class ApproveSignupForm(BaseForm):
    customer_id = SelectField(_l("Company"), coerce=int, validators=[Optional()])
