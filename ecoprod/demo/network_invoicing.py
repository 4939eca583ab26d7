"""A seeded order's invoices: the deposit at acceptance, the final invoice deducting it,
now and then a credit note, and the payments received (``demo.network_flow``)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ecoprod.demo.network_rows import VAT
from ecoprod.demo.network_rows import at as _at
from ecoprod.invoicing.models import Category, InvoiceKind, InvoiceState, PaymentMethod
from ecoprod.invoicing.services.issuing import due_date
from ecoprod.money import ZERO, compute_totals, line_amounts
from ecoprod.orders.models import Unit
from ecoprod.pricing.models import LineKind


def _new_invoice(ctx, rows, kind, customer_id, terms, day, **extra) -> dict[str, Any]:
    invoice = rows.add(
        ctx,
        "invoices",
        kind=kind,
        state=InvoiceState.ISSUED,
        customer_id=customer_id,
        number=None,
        issue_date=day,
        due_date=day if kind is InvoiceKind.CREDIT_NOTE else due_date(day, terms),
        delivery_date=day,
        language="fr",
        category=Category.SERVICES,
        discount_percent=ZERO,
        buyer_name=None,
        billing_country="FR",
        delivery_country="FR",
        payment_terms=terms,
        prepaid=ZERO,
        settled=ZERO,
        credited_invoice_id=None,
        deposit_percent=None,
        issued_at=_at(day, 16),
        issued_by_id=ctx.admin_id,
        created_by_id=ctx.admin_id,
        created_at=_at(day, 15),
        updated_at=_at(day, 16),
    )
    invoice.update(extra)
    series = "credit_note" if kind is InvoiceKind.CREDIT_NOTE else "invoice"
    rows.numbered.append((series, invoice["issued_at"], invoice, "number"))
    return invoice


def _lines_and_totals(ctx, rows, invoice, priced: list[dict[str, Any]]) -> None:
    made = [
        rows.add(ctx, "invoice_lines", invoice_id=invoice["id"], position=p, discount_percent=ZERO, **line)
        for p, line in enumerate(priced, start=1)
    ]
    totals = compute_totals(
        (
            (line_amounts(m["quantity"], m["unit_price"], m["discount_percent"]).net, m["vat_rate"])
            for m in made
        ),
        invoice["discount_percent"],
    )
    invoice.update(total_net=totals.net, total_vat=totals.vat, total_gross=totals.gross)
    invoice["amount_due"] = (
        ZERO if invoice["kind"] is InvoiceKind.CREDIT_NOTE else totals.gross - invoice["prepaid"]
    )
    invoice["_lines"] = made


def deposit_invoice(ctx, rows, order, quote, customer_id, terms, day) -> dict[str, Any]:
    deposit = _new_invoice(
        ctx, rows, InvoiceKind.DEPOSIT, customer_id, terms, day, deposit_percent=Decimal(30)
    )
    amount = (quote["total_net"] * Decimal("0.3")).quantize(Decimal("0.01"))
    _lines_and_totals(
        ctx,
        rows,
        deposit,
        [
            {
                "kind": LineKind.OTHER,
                "description": f"Acompte de 30 % (commande {order['id']})",
                "unit": Unit.FLAT,
                "quantity": Decimal(1),
                "unit_price": amount,
                "vat_rate": VAT,
                "order_id": order["id"],
                "quote_line_id": None,
                "credited_line_id": None,
                "workshop_id": None,
            }
        ],
    )
    rows.tables["invoice_orders"].append({"invoice_id": deposit["id"], "order_id": order["id"]})
    _pay(ctx, rows, deposit, deposit["amount_due"], day + timedelta(days=ctx.rng.randint(2, 15)))
    return deposit


def final_invoice(
    ctx, rows, order, quote, quote_lines, customer_id, terms, day, deposit, *, delivered
) -> None:
    rng = ctx.rng
    prepaid = deposit["total_gross"] if deposit else ZERO
    invoice = _new_invoice(
        ctx,
        rows,
        InvoiceKind.INVOICE,
        customer_id,
        terms,
        day,
        prepaid=prepaid,
        buyer_reference=order["customer_reference"],
        delivery_date=delivered,
    )
    invoice["discount_percent"] = quote["discount_percent"]
    _lines_and_totals(
        ctx,
        rows,
        invoice,
        [
            {
                "kind": q["kind"],
                "description": q["description"],
                "unit": q["unit"],
                "quantity": q["quantity"],
                "unit_price": q["unit_price"],
                "vat_rate": q["vat_rate"],
                "order_id": order["id"],
                "quote_line_id": q["id"],
                "credited_line_id": None,
                "workshop_id": q["workshop_id"],
            }
            for q in quote_lines
        ],
    )
    rows.tables["invoice_orders"].append({"invoice_id": invoice["id"], "order_id": order["id"]})
    if deposit:
        rows.invoice_updates.append({"b_id": deposit["id"], "b_deducted": invoice["id"]})
    credited = ZERO
    if (
        len(invoice["_lines"]) > 1 and (ctx.today - day).days > 15 and rng.random() < 0.04
    ):  # the material line credited
        credit = _new_invoice(
            ctx,
            rows,
            InvoiceKind.CREDIT_NOTE,
            customer_id,
            terms,
            day + timedelta(days=9),
            credited_invoice_id=invoice["id"],
        )
        line = invoice["_lines"][-1]
        _lines_and_totals(
            ctx,
            rows,
            credit,
            [
                {
                    "kind": line["kind"],
                    "description": line["description"],
                    "unit": line["unit"],
                    "quantity": line["quantity"],
                    "unit_price": line["unit_price"],
                    "vat_rate": line["vat_rate"],
                    "order_id": order["id"],
                    "quote_line_id": None,
                    "credited_line_id": line["id"],
                    "workshop_id": None,
                }
            ],
        )
        credit["discount_percent"] = ZERO
        credited = credit["total_gross"]
    due = invoice["amount_due"] - credited
    age = (ctx.today - day).days
    roll = rng.random()
    if due > 0 and age > 20 and roll < 0.9:
        _pay(ctx, rows, invoice, due, day + timedelta(days=rng.randint(10, min(age, 75))))
    elif due > 0 and age > 20 and roll < 0.95:
        _pay(
            ctx,
            rows,
            invoice,
            (due / 2).quantize(Decimal("0.01")),
            day + timedelta(days=rng.randint(10, age)),
        )
    invoice["settled"] += credited
    paid = invoice["settled"] - credited
    invoice["state"] = (
        InvoiceState.PAID
        if invoice["settled"] >= invoice["amount_due"]
        else InvoiceState.PARTIALLY_PAID
        if paid > 0
        else InvoiceState.ISSUED
    )


def _pay(ctx, rows, invoice, amount: Decimal, on: date) -> None:
    on = min(on, ctx.today)
    rows.add(
        ctx,
        "payments",
        invoice_id=invoice["id"],
        paid_on=on,
        amount=amount,
        method=PaymentMethod.TRANSFER,
        reference=None,
        recorded_by_id=ctx.admin_id,
        created_at=_at(on, 10),
        updated_at=_at(on, 10),
    )
    invoice["settled"] += amount
    invoice["state"] = (
        InvoiceState.PAID if invoice["settled"] >= invoice["amount_due"] else InvoiceState.PARTIALLY_PAID
    )
