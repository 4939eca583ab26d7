"""Three years of one school's work as rows: requests, quotes and revisions, operations and
half-days, time logged, deliveries, deposits and invoices, credit notes and payments.

Built in memory for one school at a time and inserted in bulk by ``demo.network``. Each
order is walked along the lifecycle the services enforce (``orders.lifecycle``) as far as
its age allows; every figure is computed by ``ecoprod.money`` as the services compute it;
numbers are drawn afterwards in the order documents were issued, one gap-free run per
series and year. Ids are given here (the seed is the only writer of the database).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from ecoprod.demo.network_invoicing import deposit_invoice, final_invoice
from ecoprod.demo.network_rows import Rows, SchoolContext
from ecoprod.demo.network_rows import at as _at
from ecoprod.demo.network_work import Slots, make_delivery, make_operations, make_quote
from ecoprod.i18n import SCHOOL_TIMEZONE
from ecoprod.orders.models import OrderState, Unit
from ecoprod.quotes.models import QuoteState

S = OrderState
PARTS = ["Support", "Platine", "Bride", "Entretoise", "Carter", "Chape", "Équerre", "Axe"]
MATERIALS = ["Acier S235", "Inox 304L", "Aluminium 5083", "Laiton", None]


def final_stage(age: int, rng: random.Random) -> OrderState | str:
    """How far an order of this age went (``refused``/``expired``/``revised`` are quotes)."""
    roll = rng.random()
    if age < 8:
        return S.DRAFT if roll < 0.25 else S.SUBMITTED if roll < 0.75 else S.QUOTED
    if age < 40:
        table = [
            (0.05, S.DECLINED),
            (0.1, S.CANCELLED),
            (0.3, S.QUOTED),
            (0.4, S.ACCEPTED),
            (0.55, S.PLANNED),
            (0.8, S.IN_PRODUCTION),
            (0.9, S.READY),
            (1.0, S.PARTIALLY_DELIVERED),
        ]
    elif age < 110:
        table = [
            (0.05, S.DECLINED),
            (0.08, "refused"),
            (0.12, S.IN_PRODUCTION),
            (0.3, S.DELIVERED),
            (1.0, S.INVOICED),
        ]
    else:
        table = [
            (0.05, S.DECLINED),
            (0.08, S.CANCELLED),
            (0.13, "refused"),
            (0.17, "expired"),
            (1.0, S.INVOICED),
        ]
    return next(stage for limit, stage in table if roll < limit)


def school_rows(ctx: SchoolContext, order_count: int, years: int) -> Rows:
    rows, rng, slots = Rows(), ctx.rng, Slots(ctx.students)
    span = years * 365
    ages = sorted((rng.randint(1, span) for _ in range(order_count)), reverse=True)
    for n, age in enumerate(ages, start=1):
        _order(ctx, rows, slots, n, ctx.today - timedelta(days=age), age)
    _draw_numbers(ctx, rows)
    return rows


def _order(ctx: SchoolContext, rows: Rows, slots: Slots, n: int, created: date, age: int) -> None:
    rng = ctx.rng
    customer_id, buyer_id, _name, terms = ctx.customers[rng.randrange(len(ctx.customers))]
    workshop_id, trade, rate, master_id = ctx.workshops[rng.randrange(len(ctx.workshops))]
    stage = final_stage(age, rng)
    if age < 30 and stage in (S.IN_PRODUCTION, S.READY, S.PARTIALLY_DELIVERED):
        stage = S.PLANNED  # work logged is in the past: a young order has not got that far
    created_at = _at(created, 9)
    order = rows.add(
        ctx,
        "orders",
        customer_id=customer_id,
        created_by_id=buyer_id,
        number=None,
        title=f"{rng.choice(PARTS)} — lot {n:05d}",
        customer_reference=f"PO-{n:05d}" if n % 3 == 0 else None,
        desired_date=created + timedelta(days=45),
        delivery_country="FR",
        state=S.DRAFT,
        submitted_at=None,
        promised_date=None,
        created_at=created_at,
        updated_at=created_at,
    )
    lines = [
        rows.add(
            ctx,
            "order_lines",
            order_id=order["id"],
            position=p,
            description=f"{rng.choice(PARTS)} repère {p}",
            material=rng.choice(MATERIALS),
            quantity=Decimal(rng.randint(1, 60)),
            unit=Unit.PIECE,
            trade=trade,
        )
        for p in range(1, rng.randint(1, 3) + 1)
    ]
    if stage is S.PARTIALLY_DELIVERED and all(line["quantity"] < 2 for line in lines):
        stage = S.READY  # nothing to split
    clock = {"at": created_at}

    def move(to: OrderState, day: date, actor: int, reason: str | None = None) -> None:
        at = max(_at(min(day, ctx.today), 11), clock["at"] + timedelta(minutes=1))
        clock["at"] = at
        rows.add(
            ctx,
            "order_events",
            order_id=order["id"],
            from_state=order["state"],
            to_state=to,
            actor_id=actor,
            at=at,
            reason=reason,
        )
        order["state"], order["updated_at"] = to, at

    rows.add(
        ctx,
        "order_events",
        order_id=order["id"],
        from_state=None,
        to_state=S.DRAFT,
        actor_id=buyer_id,
        at=created_at,
        reason=None,
    )
    if stage is S.DRAFT:
        return
    day = created + timedelta(days=1)
    move(S.SUBMITTED, day, buyer_id)
    order["submitted_at"] = clock["at"]
    rows.numbered.append(("request", clock["at"], order, "number"))
    if stage is S.DECLINED:
        return move(S.DECLINED, day + timedelta(days=2), master_id, "Hors des capacités de l'atelier")
    if stage is S.CANCELLED:
        return move(S.CANCELLED, day + timedelta(days=1), buyer_id, "Besoin annulé")
    if stage is S.SUBMITTED:
        return None
    # The quote: labour at the workshop's rate, material for some lines; a revision now and then.
    day += timedelta(days=rng.randint(1, 4))
    quote, quote_lines = make_quote(ctx, rows, order, lines, customer_id, master_id, workshop_id, rate, day)
    move(S.QUOTED, day, master_id)
    if rng.random() < 0.12:
        quote["state"] = QuoteState.SUPERSEDED
        day += timedelta(days=rng.randint(2, 6))
        quote, quote_lines = make_quote(
            ctx, rows, order, lines, customer_id, master_id, workshop_id, rate, day, previous=quote
        )
    if stage == "refused" or stage == "expired" or stage is S.QUOTED:
        if stage == "refused":
            quote.update(
                state=QuoteState.DECLINED,
                answered_at=_at(day + timedelta(days=3), 15),
                answered_by_id=buyer_id,
                refusal_reason="Prix au-dessus de notre budget",
            )
        elif stage == "expired" or quote["valid_until"] < ctx.today:
            quote["state"] = QuoteState.EXPIRED
        return None
    day += timedelta(days=rng.randint(1, 5))
    quote.update(
        state=QuoteState.ACCEPTED,
        answered_at=_at(day, 16),
        answered_by_id=buyer_id,
        accepted_name="Acheteur",
        accepted_ip="192.0.2.10",
        accepted_user_agent="Mozilla/5.0",
    )
    order["promised_date"] = quote["promised_date"]
    move(S.ACCEPTED, day, buyer_id)
    deposit = None
    if rng.random() < 0.15:
        deposit = deposit_invoice(ctx, rows, order, quote, customer_id, terms, day + timedelta(days=1))
    if stage is S.ACCEPTED:
        make_operations(ctx, rows, slots, order, workshop_id, master_id, day, planned=False, done=0)
        return None
    first, day = make_operations(
        ctx,
        rows,
        slots,
        order,
        workshop_id,
        master_id,
        day,
        planned=True,
        done={S.PLANNED: 0, S.IN_PRODUCTION: 1}.get(stage, 2),
    )
    move(S.PLANNED, order["updated_at"].date() + timedelta(days=1), master_id)
    if stage is S.PLANNED:
        return None
    move(S.IN_PRODUCTION, first, master_id)
    if stage is S.IN_PRODUCTION:
        return None
    if stage is S.PARTIALLY_DELIVERED:
        make_delivery(ctx, rows, order, lines, customer_id, day + timedelta(days=1), share=Decimal("0.5"))
        return move(S.PARTIALLY_DELIVERED, day + timedelta(days=1), ctx.admin_id)
    move(S.READY, day, master_id)
    if stage is S.READY:
        return None
    day += timedelta(days=rng.randint(1, 4))
    delivered = day
    make_delivery(ctx, rows, order, lines, customer_id, day)
    move(S.DELIVERED, day, ctx.admin_id)
    if stage is S.DELIVERED:
        return None
    day += timedelta(days=rng.randint(0, 6))
    final_invoice(ctx, rows, order, quote, quote_lines, customer_id, terms, day, deposit, delivered=delivered)
    return move(S.INVOICED, day, ctx.admin_id)


def _draw_numbers(ctx: SchoolContext, rows: Rows) -> None:
    """Numbers in the order of issue, one gap-free run per series and Paris year."""
    counters: dict[tuple[str, int], int] = defaultdict(int)
    prefix_of = {
        "request": "request",
        "quote": "quote",
        "delivery": "delivery",
        "invoice": "invoice",
        "credit_note": "credit_note",
    }
    for series, at, row, column in sorted(
        (entry for entry in rows.numbered if entry[0] != "quote-version"), key=lambda e: (e[1], e[2]["id"])
    ):
        year = at.astimezone(SCHOOL_TIMEZONE).year
        prefix = ctx.prefixes[prefix_of[series]]
        counters[(prefix, year)] += 1
        row[column] = f"{prefix}-{year}-{counters[(prefix, year)]:04d}"
    by_id = {q["id"]: q for q in rows.tables["quotes"]}
    for _series, _when, row, column in rows.numbered:
        if _series == "quote-version":
            row[column] = by_id[row["supersedes_id"]]["base_number"]
    rows.counters = dict(counters)
