"""French and European business identifiers, checked with python-stdnum.

Each ``clean_*`` function returns the compact form or raises ``InvalidIdentifier`` with a
message for the user; the WTForms validators below wrap them and store the compact form.
"""

from __future__ import annotations

import re
import unicodedata
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


# Characters nobody types into an address: controls (NUL, CR, LF, tab…), invisible format
# characters (zero-width spaces, direction marks, BOM) and the Unicode line separators.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def _visible(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE_CATEGORIES)


def normalise_email(raw: str | None) -> str:
    """The one spelling of an e-mail address that identifies a person on the platform.

    Every lookup of an account and every counter keyed on an account (sign-in, password
    reset, sign-up throttles) goes through this function, so two spellings of one address
    can never be two accounts nor two counters: Unicode compatibility forms folded (NFKC:
    fullwidth letters, composed accents), invisible and control characters dropped,
    surrounding spaces stripped, lower case, and the domain's trailing dot removed
    (``example.com.`` is the same host as ``example.com``).
    """
    # Dropped first, so that an invisible character between two letters cannot stop them
    # composing; normalised again after lower-casing, which may decompose a letter.
    text = _visible(raw or "")
    text = _visible(unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).lower()))
    text = text.strip()
    local, at, domain = text.rpartition("@")
    if at:
        text = f"{local}@{domain.rstrip('.')}"
    return text


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
