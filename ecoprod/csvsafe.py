"""Cells of exported files (CSV, FEC) that a spreadsheet cannot run and a reader cannot split.

Every text that leaves in an export goes through ``safe_cell``: line breaks and control
characters become one space (a cell of an export is one line, whatever was stored), then a
cell that would start like a formula (``= + - @``, also in their fullwidth forms) is
neutralised with a leading apostrophe. ``csv_line`` and ``fec_line`` build the rows, so no
separator nor line break ever gets through either.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from ecoprod.text import one_line

FORMULA_STARTS = frozenset("=+-@")


def safe_cell(value: object) -> str:
    text = one_line(value)
    first = unicodedata.normalize("NFKC", text[:1])[:1]
    return "'" + text if first in FORMULA_STARTS else text


def csv_line(cells: Iterable[object], delimiter: str = ";") -> str:
    """One CSV row (quoted where a cell holds the delimiter or a quote), ended by CRLF."""
    out = []
    for value in cells:
        text = safe_cell(value)
        if delimiter in text or '"' in text:
            text = '"' + text.replace('"', '""') + '"'
        out.append(text)
    return delimiter.join(out) + "\r\n"


def fec_line(cells: Iterable[object]) -> str:
    """One row of a Fichier des écritures comptables: ``|``-separated, a ``|`` in a text
    becomes ``/`` (the format has no quoting), ended by CRLF."""
    return "|".join(safe_cell(value).replace("|", "/") for value in cells) + "\r\n"
