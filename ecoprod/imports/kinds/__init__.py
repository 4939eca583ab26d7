"""The kinds of records a school can import, by name."""

from __future__ import annotations

from ecoprod.imports.kinds.base import Checked, Column, Kind
from ecoprod.imports.kinds.customers import Customers
from ecoprod.imports.kinds.reference import Competences, Machines, Students

KINDS: dict[str, Kind] = {kind.name: kind for kind in (Customers(), Students(), Machines(), Competences())}

__all__ = ["KINDS", "Checked", "Column", "Kind"]
