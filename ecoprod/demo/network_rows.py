"""The rows a seeded school is made of, and what they refer to (``demo.network``)."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from ecoprod.customers.models import PaymentTerms
from ecoprod.i18n import SCHOOL_TIMEZONE

VAT = Decimal("20.00")
TABLES = (
    "orders",
    "order_lines",
    "order_events",
    "quotes",
    "quote_lines",
    "operations",
    "assignments",
    "time_logs",
    "delivery_notes",
    "delivery_lines",
    "invoices",
    "invoice_lines",
    "invoice_orders",
    "payments",
)


@dataclass
class SchoolContext:
    """What the rows of one school refer to (made by ``demo.network``)."""

    school_id: int
    prefixes: dict[str, str]  # request, quote, delivery, invoice, credit_note
    admin_id: int
    workshops: list[tuple[int, str, Decimal, int]]  # id, trade, hourly rate, master's user id
    students: dict[int, list[int]]  # workshop id → student ids
    customers: list[tuple[int, int, str, PaymentTerms]]  # id, user id, name, terms
    half_day_hours: Decimal
    next_ids: dict[str, int]  # table → first free id
    today: date
    rng: random.Random


@dataclass
class Rows:
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    numbered: list[tuple[str, datetime, dict[str, Any], str]] = field(default_factory=list)
    invoice_updates: list[dict[str, Any]] = field(default_factory=list)
    counters: dict[tuple[str, int], int] = field(default_factory=dict)

    def add(self, ctx: SchoolContext, table: str, **values: Any) -> dict[str, Any]:
        values["id"] = ctx.next_ids[table]
        ctx.next_ids[table] += 1
        values["school_id"] = ctx.school_id
        self.tables[table].append(values)
        return values


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), SCHOOL_TIMEZONE).astimezone(UTC)


def workday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
