"""Field helpers and sub-forms shared by every domain's forms."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms import Form, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ecoprod.database import Address
from ecoprod.i18n import lazy_gettext as _l


def none_if_empty(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def email_field(label: Any, required: bool = True, **kwargs: Any) -> StringField:
    validators: list[Any] = [DataRequired()] if required else [Optional()]
    validators += [Length(max=254), Email(check_deliverability=False)]
    return StringField(label, validators=validators, filters=[none_if_empty], **kwargs)


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


class AddressForm(Form):
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

    def validate_city(self, field: StringField) -> None:
        begun = any((self.line1.data, self.line2.data, self.postal_code.data, field.data))
        complete = all((self.line1.data, self.postal_code.data, field.data))
        if begun and not complete:
            raise ValidationError(_l("Give the street, the postal code and the city, or nothing."))

    def to_address(self) -> Address:
        address = super().to_address()
        return Address() if address.is_empty() else address
