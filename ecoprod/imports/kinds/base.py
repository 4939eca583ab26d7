"""What every kind of import declares: its columns (each one a field of the form the app's
own page uses, so a row is checked exactly as if typed in that page), how a row is matched
to a record already there, and how it is saved."""

from __future__ import annotations

import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

TEXT, DATE, BOOL, CHOICE = "text", "date", "bool", "choice"


def norm(text: object) -> str:
    """A cell or a title compared without case, accents, spaces or punctuation."""
    decomposed = unicodedata.normalize("NFKD", str(text or "")).casefold()
    return "".join(ch for ch in decomposed if ch.isalnum())


@dataclass(frozen=True)
class Column:
    field: str  # the form field's name (``billing_address-city``), or the kind's own
    header: Any  # a lazy translated title, as in the template
    example: str = ""
    required: bool = False
    type: str = TEXT
    # For a CHOICE: what may be written (code or label, any case) → the stored code.
    choices: Callable[[], Mapping[str, str]] | None = None


@dataclass
class Checked:
    """One row, checked: what would be saved, or why it cannot be."""

    values: dict[str, str]  # the form's data, by field
    errors: dict[str, list[str]] = field(default_factory=dict)  # field → messages
    key: tuple[str, str] | None = None  # the row's identity (``("siret", "…")``)
    match_id: int | None = None  # the record it updates
    payload: Any = None  # what ``save`` needs

    def refuse(self, field_name: str, message: object) -> None:
        self.errors.setdefault(field_name, []).append(str(message))


class Kind(ABC):
    """A kind of import; subclasses fill the class attributes and the three methods."""

    name: str
    title: Any
    columns: tuple[Column, ...]
    key_labels: Mapping[str, Any]  # identity key → how the preview names it ("SIRET")
    key_fields: Mapping[str, str]  # identity key → the field a duplicate is reported on

    @abstractmethod
    def load(self, school_id: int) -> Any:
        """What the check needs from the database, loaded once for the whole file."""

    @abstractmethod
    def check(self, row: Checked, existing: Any, forms: FormPool) -> None:
        """Validate ``row.values`` (with the form), set its key, match and payload."""

    @abstractmethod
    def save(self, school_id: int, row: Checked, existing: Any) -> bool:
        """Create or update the row's record; True when something changed."""


class FormPool:
    """One form of each class for a whole sheet, given each row's data in turn: binding a
    form's fields costs more than checking a row, and a sheet may have thousands."""

    def __init__(self) -> None:
        self._forms: dict[tuple[type, str], Any] = {}

    def filled(self, form_class: type, values: Mapping[str, str], prefix: str = "") -> Any:
        from werkzeug.datastructures import MultiDict

        form = self._forms.get((form_class, prefix))
        if form is None:
            form = self._forms[(form_class, prefix)] = form_class(
                formdata=MultiDict(values), prefix=prefix, meta={"csrf": False}
            )
        else:
            form.process(MultiDict(values))
        return form


def form_errors(form: Any, prefix: str = "") -> dict[str, list[str]]:
    """A WTForms form's errors by full field name (sub-forms joined with ``-``)."""
    found: dict[str, list[str]] = {}
    for name, errors in form.errors.items():
        if isinstance(errors, dict):
            for sub, messages in form_errors_dict(errors).items():
                found[f"{prefix}{name}-{sub}"] = messages
        else:
            found[f"{prefix}{name}"] = [str(e) for e in errors]
    return found


def form_errors_dict(errors: dict[str, Any]) -> dict[str, list[str]]:
    return {
        name: [str(e) for e in messages] for name, messages in errors.items() if isinstance(messages, list)
    }


def choice_map(pairs: Mapping[str, object]) -> dict[str, str]:
    """Codes and their labels (in French and English) → code, compared by ``norm``."""
    from flask_babel import force_locale

    found: dict[str, str] = {}
    for code, label in pairs.items():
        found[norm(code)] = code
        for locale in ("fr", "en"):
            with force_locale(locale):
                found[norm(str(label))] = code
    return found
