"""Field helpers and sub-forms shared by every domain's forms."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask_babel import get_locale, get_translations
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    DateField,
    DecimalField,
    Form,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ecoprod.database import Address
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.identifiers import normalise_email
from ecoprod.params import EARLIEST, LATEST, in_date_range
from ecoprod.text import NOT_IN_A_LINE, NOT_IN_A_TEXT


class _OurTranslations:
    """WTForms' own messages ("This field is required.") come from our catalogue too,
    where they are translated with the rest (see ``ecoprod/form_messages.py``)."""

    def get_translations(self, form: Any) -> Any:
        return get_translations()


# --- Text fields: one line, or a text without hidden controls -----------------------------

# Any ``StringField`` is one line, a ``TextAreaField`` a text (see ``ecoprod/text.py``).


def single_line(form: Any, field: Any) -> None:
    if isinstance(field.data, str) and NOT_IN_A_LINE.search(field.data):
        raise ValidationError(
            str(_l("This field holds one line: remove the line breaks and invisible characters."))
        )


def plain_text(form: Any, field: Any) -> None:
    if isinstance(field.data, str) and NOT_IN_A_TEXT.search(field.data):
        raise ValidationError(str(_l("Remove the invisible control characters from this text.")))


def date_in_range(form: Any, field: Any) -> None:
    if isinstance(field.data, date) and not in_date_range(field.data):
        raise ValidationError(
            str(_l("Give a date between %(first)s and %(last)s.", first=EARLIEST.year, last=LATEST.year))
        )


def field_checks(form: Any) -> dict[str, list[Any]]:
    """The check each field of ``form`` gets on top of its own validators, whoever declared
    them: every single-line field (any ``StringField``), every text area, every date."""
    checks: dict[str, list[Any]] = {}
    for name, field in form._fields.items():
        if isinstance(field, PasswordField):
            continue  # hashed, never shown nor exported; any character may be part of it
        if isinstance(field, TextAreaField):
            checks[name] = [plain_text]
        elif isinstance(field, StringField):
            checks[name] = [single_line]
        elif isinstance(field, DateField):
            checks[name] = [date_in_range]
    return checks


def _with_field_checks(form: Any, extra_validators: Any) -> dict[str, list[Any]]:
    extra = {name: list(validators) for name, validators in (extra_validators or {}).items()}
    for name, checks in field_checks(form).items():
        extra[name] = [*extra.get(name, []), *checks]
    return extra


class BaseForm(FlaskForm):
    """Every page form: CSRF-protected, messages in the user's language, text fields checked
    for line breaks and control characters (``field_checks``)."""

    class Meta(_OurTranslations, FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            """Text posted with NUL characters loses them: PostgreSQL cannot store one in a
            text column, and no person types one (a crafted post or a paste from a binary)."""
            formdata = super().wrap_formdata(form, formdata)
            if formdata is None:
                return None
            return MultiDict(
                (key, value.replace("\x00", "") if isinstance(value, str) else value)
                for key, value in formdata.items(multi=True)
            )

    def validate(self, extra_validators: Any = None) -> bool:
        return super().validate(_with_field_checks(self, extra_validators))


class SubForm(Form):
    """A form nested in another (``FormField``, ``FieldList``): no CSRF of its own."""

    class Meta(_OurTranslations, Form.Meta):
        pass

    def validate(self, extra_validators: Any = None) -> bool:
        return super().validate(_with_field_checks(self, extra_validators))


class RowForm(SubForm):
    """One row of a table of rows (``FieldList``): left entirely blank it is ignored; begun,
    its ``required`` fields must be filled (each with its own message)."""

    required: dict[str, Any] = {}

    def is_blank(self) -> bool:
        for field in self:
            if field.type in ("SelectField", "SelectMultipleField", "BooleanField"):
                continue
            raw = field.raw_data[0] if field.raw_data else field.data
            if raw not in (None, "") and str(raw).strip():
                return False
        return True

    def validate(self, extra_validators: Any = None) -> bool:
        if self.is_blank():
            return True
        valid = super().validate(extra_validators)
        for name, message in self.required.items():
            field = self[name]
            if field.data in (None, "") and not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        return valid


def none_if_empty(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def email_or_none(value: Any) -> Any:
    """An address as accounts are looked up and throttled (``normalise_email``), or None."""
    if isinstance(value, str):
        return normalise_email(value) or None
    return value


def email_field(label: Any, required: bool = True, **kwargs: Any) -> StringField:
    validators: list[Any] = [DataRequired()] if required else [Optional()]
    validators += [Length(max=254), Email(check_deliverability=False)]
    return StringField(label, validators=validators, filters=[email_or_none], **kwargs)


def text_field(label: Any, max_length: int, required: bool = False, **kwargs: Any) -> StringField:
    validators: list[Any] = [DataRequired()] if required else [Optional()]
    validators.append(Length(max=max_length))
    return StringField(label, validators=validators, filters=[none_if_empty], **kwargs)


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Choices of a select field, from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


LANGUAGES = [("fr", "Français"), ("en", "English")]

COUNTRIES = [
    ("FR", _l("France")),
    ("BE", _l("Belgium")),
    ("LU", _l("Luxembourg")),
    ("CH", _l("Switzerland")),
    ("MC", _l("Monaco")),
    ("DE", _l("Germany")),
    ("IT", _l("Italy")),
    ("ES", _l("Spain")),
]


class AddressForm(SubForm):
    """A postal address as a sub-form (``FormField(AddressForm)``)."""

    line1 = text_field(_l("Address"), 200, required=True)
    line2 = text_field(_l("Address (continued)"), 200)
    postal_code = text_field(_l("Postal code"), 20, required=True)
    city = text_field(_l("City"), 120, required=True)
    country = SelectField(_l("Country"), choices=options(COUNTRIES), default="FR")

    def to_address(self) -> Address:
        return Address(
            self.line1.data, self.line2.data, self.postal_code.data, self.city.data, self.country.data
        )

    def load(self, address: Address | None) -> None:
        if address is None:
            return
        self.line1.data = address.line1
        self.line2.data = address.line2
        self.postal_code.data = address.postal_code
        self.city.data = address.city
        self.country.data = address.country or "FR"


class OptionalAddressForm(AddressForm):
    """An address that may be left empty; if begun, it must be complete."""

    line1 = text_field(_l("Address"), 200)
    postal_code = text_field(_l("Postal code"), 20)
    city = text_field(_l("City"), 120)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        begun = any((self.line1.data, self.line2.data, self.postal_code.data, self.city.data))
        complete = all((self.line1.data, self.postal_code.data, self.city.data))
        if begun and not complete:
            message = _l("Give the street, the postal code and the city, or nothing.")
            for field in (self.line1, self.postal_code, self.city):
                if not field.data:
                    field.errors = [*field.errors, message]
            return False
        return valid

    def to_address(self) -> Address:
        address = super().to_address()
        return Address() if address.is_empty() else address


class LocalDecimalField(DecimalField):
    """A decimal typed the French way (``2,5``, ``1 234,50``) or the English way (``2.5``)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and isinstance(valuelist[0], str):
            text = valuelist[0].replace("\u202f", "").replace("\xa0", "").replace(" ", "")
            if text.count(",") == 1 and "." not in text:
                text = text.replace(",", ".")
            valuelist = [text]
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))

    def _value(self) -> str:
        text = super()._value()
        if text and get_locale() is not None and get_locale().language == "fr":
            return text.replace(".", ",")
        return text
