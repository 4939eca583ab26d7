"""Query parameters, read with the same care as form fields.

A query string comes from a link anyone can edit: a value that does not parse, or parses
into something no page can use (a date in year 1, page 10²⁰), falls back to the default
rather than reaching a query or a date calculation. Dates share the bounds of every form's
date fields (``DATE_RANGE``).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from flask import request

# Every date a person types or a link carries lies in these years; beyond them, date
# arithmetic overflows (year 1, year 9999) and nothing in a school's life happens there.
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
MAX_PAGE = 100_000


def in_date_range(day: date) -> bool:
    return EARLIEST <= day <= LATEST


def date_arg(name: str, default: date | None = None) -> date | None:
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return default
    return day if in_date_range(day) else default


def int_arg(name: str, default: int, minimum: int = 1, maximum: int = MAX_PAGE) -> int:
    raw = request.args.get(name, "")
    if not raw.isascii() or not raw.lstrip("-").isdigit() or len(raw) > 12:
        return default
    value = int(raw)
    return value if minimum <= value <= maximum else default


def page_arg() -> int:
    return int_arg("page", 1)


def choice_arg(name: str, choices: Collection[str], default: str) -> str:
    value = request.args.get(name, default)
    return value if value in choices else default


def optional_choice_arg(name: str, choices: Collection[str]) -> str | None:
    value = request.args.get(name)
    return value if value in choices else None


def flag_arg(name: str) -> bool:
    """A switch in a link: on only when it is ``1``."""
    return request.args.get(name) == "1"
