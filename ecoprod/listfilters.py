"""List filters: a filter a domain adds to another domain's list, without that list importing
it (as ``panels`` do for pages).

A ``ListFilter`` names its query argument, its label, its choices and how a chosen value
narrows the list's statement. The composition root (``ecoprod/__init__.py``) lists each
list's filters; the list applies ``filters_for("invoices", user)`` and the template shows
each as a select in the search form. So the invoice list filters by e-invoicing status
while invoicing knows nothing of e-invoicing, and the layers hold (``lint-imports``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app

EXTENSION = "ecoprod.listfilters"


@dataclass(frozen=True)
class ListFilter:
    name: str  # the query argument
    label: Any  # a text, lazily translated
    choices: Callable[[], Sequence[tuple[str, str]]]  # (value, label); the first is "all"
    narrow: Callable[[sa.Select[Any], str], sa.Select[Any]]
    visible: Callable[[Any], bool] = lambda user: True


@dataclass(frozen=True)
class Applied:
    """A filter as the list shows it: its choices and the value chosen ("" for all)."""

    filter: ListFilter
    value: str

    @property
    def choices(self) -> Sequence[tuple[str, str]]:
        return self.filter.choices()


def init_app(app: Flask, **lists: Sequence[ListFilter]) -> None:
    app.extensions[EXTENSION] = {name: tuple(filters) for name, filters in lists.items()}


def filters_for(list_name: str, user: Any) -> list[ListFilter]:
    filters: Mapping[str, Sequence[ListFilter]] = current_app.extensions.get(EXTENSION, {})
    return [f for f in filters.get(list_name, ()) if f.visible(user)]


def apply(
    list_name: str, user: Any, stmt: sa.Select[Any], args: Mapping[str, str]
) -> tuple[sa.Select[Any], list[Applied]]:
    """Narrow ``stmt`` by the filters of ``list_name`` the request chose; an unknown value
    is ignored (shown as "all"), never an error."""
    applied = []
    for found in filters_for(list_name, user):
        value = args.get(found.name, "")
        if value and value in {v for v, _ in found.choices()}:
            stmt = found.narrow(stmt, value)
        else:
            value = ""
        applied.append(Applied(found, value))
    return stmt, applied
