"""French and European business identifiers, checked with python-stdnum.

Each ``clean_*`` function returns the compact form or raises ``InvalidIdentifier`` with a
message for the user; the WTForms validators below wrap them and store the compact form.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from stdnum import bic, iban
from stdnum.eu import vat
from stdnum.exceptions import ValidationError
from stdnum.fr import siren, siret
from wtforms.validators import ValidationError as FieldError

from ecoprod.i18n import lazy_gettext as _l


class InvalidIdentifier(ValueError):
    pass


def _checked(module: Any, value: str, message: Any) -> str:
    try:
        return module.validate(value)
    except ValidationError as exc:
        raise InvalidIdentifier(str(message)) from exc


def clean_siret(value: str) -> str:
    return _checked(siret, value, _l("This is not a valid SIRET number (14 digits)."))


def clean_siren(value: str) -> str:
    return _checked(siren, value, _l("This is not a valid SIREN number (9 digits)."))


def clean_siret_or_siren(value: str) -> str:
    digits = siret.compact(value)
    if len(digits) == 9:
        return clean_siren(digits)
    return clean_siret(digits)


def clean_vat(value: str) -> str:
    return _checked(vat, value, _l("This is not a valid EU VAT number (e.g. FR40303265045)."))


def clean_iban(value: str) -> str:
    return _checked(iban, value, _l("This is not a valid IBAN."))


def clean_bic(value: str) -> str:
    return _checked(bic, value, _l("This is not a valid BIC."))


_RNA = re.compile(r"W\d{9}")


def clean_rna(value: str) -> str:
    compact = re.sub(r"\s", "", value).upper()
    if not _RNA.fullmatch(compact):
        raise InvalidIdentifier(str(_l("An RNA number is a W followed by 9 digits.")))
    return compact


def siren_of(value: str | None) -> str | None:
    """The company part (SIREN) of a SIRET or SIREN already cleaned."""
    return value[:9] if value else None


class Identifier:
    """A WTForms validator: optional field, compact form stored when valid."""

    def __init__(self, clean: Callable[[str], str]) -> None:
        self.clean = clean

    def __call__(self, form: Any, field: Any) -> None:
        if not field.data or not str(field.data).strip():
            field.data = None
            return
        try:
            field.data = self.clean(str(field.data))
        except InvalidIdentifier as exc:
            raise FieldError(str(exc)) from exc
