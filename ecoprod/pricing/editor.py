"""The priced-lines editor of quotes and invoices: the form loaded from the record or from
what was posted, its choices, the lines handed to the services, and the totals preview."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypeVar

from wtforms import SelectChoice

from ecoprod.forms import options
from ecoprod.money import compute_totals, line_amounts
from ecoprod.orders.models import Unit
from ecoprod.pricing.forms import PricedLinesForm
from ecoprod.pricing.models import LineKind, PricedLineInput, PricedLineMixin
from ecoprod.workshops.services import workshop_options

F = TypeVar("F", bound=PricedLinesForm)


def load_form(form_class: type[F], record: Any, *, posted: bool, add_line: bool = False) -> F:
    """From the record's lines on a page shown; from the post (plus a blank line if asked)."""
    if not posted:
        form = form_class(obj=record)
        for entry, line in zip(form.lines, record.lines, strict=False):
            entry.form.kind.data = line.kind.value
            entry.form.unit.data = line.unit.value
            entry.form.vat_rate.data = f"{line.vat_rate:.2f}"
            entry.form.workshop_id.data = line.workshop_id or 0
            if "line_id" in entry.form:
                entry.form.line_id.data = str(line.id)
        return form
    form = form_class()
    if add_line and len(form.lines) < form.lines.max_entries:
        form.lines.append_entry()
    return form


def set_choices(
    form: PricedLinesForm, rates: Iterable[Decimal], lines: Iterable[PricedLineMixin] = ()
) -> None:
    """The workshops (with their rates) and the VAT rates, with those the lines already use."""
    workshops = [SelectChoice(0, "—"), *workshop_options(with_rates=True)]
    every_rate = sorted({*rates, *(line.vat_rate for line in lines)}, reverse=True)
    form.set_choices(workshops, options((f"{r:.2f}", f"{r.normalize():f} %") for r in every_rate))


def line_inputs(form: PricedLinesForm) -> list[tuple[int | None, PricedLineInput]]:
    """The lines typed (blank rows left out), each with the id of the line it was, if any."""
    found = []
    for entry in form.lines:
        line = entry.form
        if line.is_blank():
            continue
        raw_id = line.line_id.data if "line_id" in line else None
        found.append(
            (
                int(raw_id) if (raw_id or "").isdigit() else None,
                PricedLineInput(
                    kind=LineKind(line.kind.data),
                    description=line.description.data,
                    unit=Unit(line.unit.data),
                    quantity=line.quantity.data,
                    unit_price=line.unit_price.data,
                    discount_percent=line.discount_percent.data or Decimal("0"),
                    vat_rate=Decimal(line.vat_rate.data),
                    workshop_id=line.workshop_id.data or None,
                ),
            )
        )
    return found


def preview(form: PricedLinesForm, discount_field: Any = None) -> dict[str, Any]:
    """Totals of what is typed, computed here (never trusted from the browser)."""
    nets: list[tuple[str, Decimal | None]] = []
    priced = []
    for entry in form.lines:
        line = entry.form
        try:
            quantity, price = line.quantity.data, line.unit_price.data
            discount = line.discount_percent.data or Decimal("0")
            rate = Decimal(line.vat_rate.data) if line.vat_rate.data else Decimal("0")
        except (ArithmeticError, TypeError, ValueError):
            quantity = price = None
        if quantity is None or price is None or line.errors:
            nets.append((entry.id, None))
            continue
        net = line_amounts(quantity, price, discount).net
        nets.append((entry.id, net))
        priced.append((net, rate))
    document_discount = (
        discount_field.data if discount_field is not None and not discount_field.errors else None
    )
    return {"line_nets": nets, "totals": compute_totals(priced, document_discount or Decimal("0"))}
