"""A seeded order's work: its quote (and revision), its operations on the students' half-days
with the time logged, its delivery notes (``demo.network_flow``)."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from decimal import Decimal

from ecoprod.demo.network_rows import VAT
from ecoprod.demo.network_rows import at as _at
from ecoprod.demo.network_rows import workday as _workday
from ecoprod.money import ZERO, compute_totals, line_amounts
from ecoprod.orders.models import Unit
from ecoprod.planning.models import OperationKind, OperationStatus
from ecoprod.pricing.models import LineKind
from ecoprod.quotes.models import PdfStatus, QuoteState
from ecoprod.slots import Half

HOURS = [Decimal("1.75"), Decimal("3.5"), Decimal("3.5"), Decimal("7")]
ROUTES = [
    (OperationKind.CUT, "Débit"),
    (OperationKind.MACHINE, "Usinage"),
    (OperationKind.INSPECT, "Contrôle"),
]


class Slots:
    """Free half-days of each workshop's students: one student per half-day, as planning wants."""

    def __init__(self, students: dict[int, list[int]]) -> None:
        self.students = students
        self.taken: set[tuple[int, date, Half]] = set()

    def take(
        self, workshop_id: int, start: date, count: int, rng: random.Random
    ) -> list[tuple[int, date, Half]]:
        people = self.students[workshop_id]
        found, day = [], _workday(start)
        while len(found) < count:
            for half in (Half.AM, Half.PM):
                for student in rng.sample(people, len(people)):
                    if (student, day, half) not in self.taken:
                        self.taken.add((student, day, half))
                        found.append((student, day, half))
                        break
                if len(found) == count:
                    break
            day = _workday(day + timedelta(days=1))
        return found


def make_quote(ctx, rows, order, lines, customer_id, master_id, workshop_id, rate, day, previous=None):
    rng = ctx.rng
    quote = rows.add(
        ctx,
        "quotes",
        order_id=order["id"],
        customer_id=customer_id,
        created_by_id=master_id,
        base_number=previous["base_number"] if previous else None,
        version=previous["version"] + 1 if previous else 1,
        supersedes_id=previous["id"] if previous else None,
        state=QuoteState.SENT,
        language="fr",
        issue_date=day,
        valid_until=day + timedelta(days=30),
        promised_date=day + timedelta(days=rng.randint(25, 60)),
        lead_time=None,
        conditions=None,
        discount_percent=Decimal(rng.choice([0, 0, 0, 5])),
        sent_at=_at(day, 14),
        sent_by_id=master_id,
        pdf_status=PdfStatus.NONE,
        answered_at=None,
        answered_by_id=None,
        accepted_name=None,
        accepted_ip=None,
        accepted_user_agent=None,
        refusal_reason=None,
        created_at=_at(day, 13),
        updated_at=_at(day, 14),
    )
    if previous is None:
        rows.numbered.append(("quote", quote["sent_at"], quote, "base_number"))
    else:
        rows.numbered.append(("quote-version", quote["sent_at"], quote, "base_number"))
    priced = []
    for position, line in enumerate(lines, start=1):
        hours = rng.choice(HOURS) * (1 + line["quantity"] // 20)
        priced.append(
            {
                "kind": LineKind.LABOUR,
                "description": f"Fabrication — {line['description']}",
                "unit": Unit.HOUR,
                "quantity": hours,
                "unit_price": rate,
                "position": position,
                "workshop_id": workshop_id,
            }
        )
    if rng.random() < 0.5:
        priced.append(
            {
                "kind": LineKind.MATERIAL,
                "description": "Matière et consommables",
                "unit": Unit.FLAT,
                "quantity": Decimal(1),
                "unit_price": Decimal(rng.randint(20, 400)),
                "position": len(priced) + 1,
                "workshop_id": None,
            }
        )
    quote_lines = [
        rows.add(ctx, "quote_lines", quote_id=quote["id"], discount_percent=ZERO, vat_rate=VAT, **p)
        for p in priced
    ]
    totals = compute_totals(
        (
            (line_amounts(q["quantity"], q["unit_price"], q["discount_percent"]).net, q["vat_rate"])
            for q in quote_lines
        ),
        quote["discount_percent"],
    )
    quote.update(total_net=totals.net, total_vat=totals.vat, total_gross=totals.gross)
    return quote, quote_lines


def make_operations(ctx, rows, slots, order, workshop_id, master_id, day, *, planned: bool, done: int):
    """The order's operations; planned ones get half-days; ``done`` 0 none, 1 some, 2 all.
    The first and the day after the last half-day."""
    rng, last = ctx.rng, day
    start = first = _workday(day + timedelta(days=rng.randint(2, 7)))
    for position, (kind, name) in enumerate(ROUTES[: rng.randint(1, 3)], start=1):
        hours = rng.choice(HOURS)
        finished = done == 2 or (done == 1 and position == 1)
        operation = rows.add(
            ctx,
            "operations",
            order_id=order["id"],
            workshop_id=workshop_id,
            position=position,
            kind=kind,
            name=name,
            estimated_hours=hours,
            difficulty=1 + rng.randrange(3),
            machine_id=None,
            status=OperationStatus.DONE
            if finished
            else OperationStatus.SCHEDULED
            if planned
            else OperationStatus.TODO,
            percent_done=100 if finished else 0,
            created_at=_at(day, 12),
            updated_at=_at(day, 12),
        )
        if not planned:
            continue
        count = max(1, math.ceil(hours / ctx.half_day_hours))
        for student, slot_day, half in slots.take(workshop_id, start, count, rng):
            share = min(hours, ctx.half_day_hours)
            rows.add(
                ctx,
                "assignments",
                operation_id=operation["id"],
                student_id=student,
                day=slot_day,
                half=half,
                hours=share,
                created_by_id=master_id,
                created_at=_at(day, 12),
            )
            if finished:
                rows.add(
                    ctx,
                    "time_logs",
                    operation_id=operation["id"],
                    student_id=student,
                    day=slot_day,
                    hours=share,
                    note=None,
                    logged_by_id=master_id,
                    created_at=_at(slot_day, 17),
                )
            last = max(last, slot_day)
            start = slot_day
    return first, last + timedelta(days=1)


def make_delivery(ctx, rows, order, lines, customer_id, day, share: Decimal = Decimal(1)) -> None:
    note = rows.add(
        ctx,
        "delivery_notes",
        order_id=order["id"],
        customer_id=customer_id,
        number=None,
        issue_date=day,
        delivery_country="FR",
        customer_reference=order["customer_reference"],
        created_by_id=ctx.admin_id,
        received_on=day if day < ctx.today - timedelta(days=10) else None,
        received_name="Réception magasin" if day < ctx.today - timedelta(days=10) else None,
        created_at=_at(day, 15),
        updated_at=_at(day, 15),
    )
    rows.numbered.append(("delivery", note["created_at"], note, "number"))
    for position, line in enumerate(lines, start=1):
        quantity = max(Decimal(1), (line["quantity"] * share).to_integral_value())
        if share < 1 and quantity >= line["quantity"]:
            continue
        rows.add(
            ctx,
            "delivery_lines",
            delivery_note_id=note["id"],
            order_line_id=line["id"],
            position=position,
            description=line["description"],
            unit=line["unit"],
            ordered=line["quantity"],
            quantity=quantity,
            remaining=line["quantity"] - quantity,
        )
