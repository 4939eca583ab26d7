"""What there is to invoice, and how much each line of an invoice may take.

Prices come from the order's accepted quote; quantities from its deliveries. An order
delivered at 40 % has 40 % of each quote line to invoice (the rest of a line is invoiced
with the delivery that completes the order, so nothing is lost to rounding).

No document takes more than there is (``check``, run when a draft is saved and again when
it is issued, inside the numbering lock, so two drafts cannot together take too much):

- an invoice line tied to an order's quote line: at most what was delivered of that line
  and is not on another invoice yet, issued or draft (``left_to_invoice``);
- a credit-note line tied to an invoice line: at most that line's quantity not credited
  yet by another credit note, issued or draft (``left_to_credit``);
- the deposits of an order: at most 100 % of its accepted quote (``deposit_percent_left``).

Lines the administrator adds by hand, tied to nothing, stay free.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple, Protocol, TypeVar

import sqlalchemy as sa

from ecoprod.delivery.services import delivered_of_line, delivered_quantities
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.invoicing.errors import InvoicingError
from ecoprod.invoicing.models import Invoice, InvoiceKind, InvoiceLine, invoice_orders
from ecoprod.money import HUNDRED, ZERO
from ecoprod.orders.models import Order, OrderLine, OrderState
from ecoprod.quotes.models import Quote, QuoteLine, QuoteState

INVOICEABLE_STATES = frozenset({OrderState.PARTIALLY_DELIVERED, OrderState.DELIVERED})
DEPOSIT_STATES = frozenset(
    {OrderState.ACCEPTED, OrderState.PLANNED, OrderState.IN_PRODUCTION, OrderState.READY}
)
QTY = Decimal("0.001")


class _Line(NamedTuple):
    id: int
    quantity: Decimal


def accepted_quote(order: Order) -> Quote | None:
    return db.session.scalars(
        sa.select(Quote).where(Quote.order_id == order.id, Quote.state == QuoteState.ACCEPTED)
    ).first()


def _share(lines: Sequence[OrderLine | _Line], done: Mapping[int, Decimal]) -> Decimal:
    if not lines:
        return ZERO
    shares = [
        min(done.get(line.id, ZERO) / line.quantity, Decimal(1)) if line.quantity else Decimal(1)
        for line in lines
    ]
    return sum(shares, ZERO) / len(shares)


def _targets(lines: Iterable[QuoteLine | _Line], share: Decimal) -> dict[int, Decimal]:
    """Per quote line (anything with an ``id`` and a ``quantity``), its share delivered."""
    return {
        line.id: line.quantity
        if share >= 1
        else (line.quantity * share).quantize(QTY, rounding=ROUND_HALF_UP)
        for line in lines
    }


def _left(targets: Mapping[int, Decimal], invoiced: Mapping[int, Decimal]) -> dict[int, Decimal]:
    return {line_id: max(target - invoiced.get(line_id, ZERO), ZERO) for line_id, target in targets.items()}


def delivered_share(order: Order) -> Decimal:
    """How much of the order has left the school, 0 to 1 (each line counts the same)."""
    return _share(order.lines, delivered_quantities(order))


def invoiced_quantities(order: Order, excluding: Invoice | None = None) -> dict[int, Decimal]:
    """Quantity of each quote line already on an invoice of this order (drafts included),
    leaving out ``excluding`` (the draft being checked)."""
    stmt = (
        sa.select(InvoiceLine.quote_line_id, sa.func.sum(InvoiceLine.quantity))
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(
            InvoiceLine.order_id == order.id,
            InvoiceLine.quote_line_id.is_not(None),
            Invoice.kind == InvoiceKind.INVOICE,
            Invoice.cancelled_by_id.is_(None),  # replaced: its quantities go to the new one
        )
        .group_by(InvoiceLine.quote_line_id)
    )
    if excluding is not None and excluding.id is not None:
        stmt = stmt.where(Invoice.id != excluding.id)
    done: dict[int, Decimal] = defaultdict(Decimal)
    for quote_line_id, quantity in db.session.execute(stmt):
        done[quote_line_id] = Decimal(quantity or 0)
    return done


def invoiced_of_line(quote_line_id: sa.ColumnElement[int]) -> sa.ScalarSelect[Decimal]:
    """What invoices (drafts included) take of the quote line ``quote_line_id`` (a column of
    the enclosing query): the correlated form of ``invoiced_quantities``."""
    return (
        sa.select(sa.func.coalesce(sa.func.sum(InvoiceLine.quantity), 0))
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(
            InvoiceLine.quote_line_id == quote_line_id,
            Invoice.kind == InvoiceKind.INVOICE,
            Invoice.cancelled_by_id.is_(None),
        )
        .scalar_subquery()
    )


def invoiceable_quantities(order: Order, quote: Quote) -> dict[int, Decimal]:
    """Per quote line, the quantity the deliveries so far make invoiceable."""
    return _targets(quote.lines, delivered_share(order))


def left_to_invoice(order: Order, excluding: Invoice | None = None) -> dict[int, Decimal]:
    """Per quote line of the accepted quote: delivered and not on another invoice yet."""
    if order.state not in INVOICEABLE_STATES:
        return {}
    quote = accepted_quote(order)
    if quote is None:
        return {}
    return _left(invoiceable_quantities(order, quote), invoiced_quantities(order, excluding))


@dataclass(frozen=True)
class ToInvoice:
    order: Order
    quote: Quote
    lines: list[tuple[QuoteLine, Decimal]]  # (quote line, quantity to invoice now)


def to_invoice(order: Order) -> ToInvoice | None:
    """The quote lines' quantities delivered but not yet invoiced, or None."""
    left = left_to_invoice(order)
    if not any(quantity > 0 for quantity in left.values()):
        return None
    quote = accepted_quote(order)
    lines = [(line, left[line.id]) for line in quote.lines if left.get(line.id, ZERO) > 0]
    return ToInvoice(order, quote, lines)


class _HasState(Protocol):
    id: int
    state: OrderState


_Order = TypeVar("_Order", bound=_HasState)
_IDS = sa.bindparam("ids", expanding=True)
# Built once, one query: the lines of the orders with what was delivered of each (``True``),
# then the lines of their accepted quotes with what invoices (drafts included) take of each.
_LINES = sa.union_all(
    sa.select(
        OrderLine.order_id,
        OrderLine.id,
        OrderLine.quantity,
        delivered_of_line(OrderLine.id),
        sa.literal(True),
    ).where(OrderLine.order_id.in_(_IDS)),
    sa.select(
        Quote.order_id,
        QuoteLine.id,
        QuoteLine.quantity,
        invoiced_of_line(QuoteLine.id),
        sa.literal(False),
    )
    .join(QuoteLine, QuoteLine.quote_id == Quote.id)
    .where(Quote.order_id.in_(_IDS), Quote.state == QuoteState.ACCEPTED),
)


def with_something_to_invoice(orders: Sequence[_Order]) -> list[_Order]:
    """Those of ``orders`` (records, or rows with an ``id`` and a ``state``) that
    ``to_invoice`` would not answer None for, in the same order, in one query of plain
    columns whatever their number (no quote or line is loaded): the order lines with what
    was delivered of each, the accepted quote lines with what was invoiced of each."""
    candidates = [order for order in orders if order.state in INVOICEABLE_STATES]
    if not candidates:
        return []
    order_lines: dict[int, list[_Line]] = defaultdict(list)
    delivered: dict[int, Decimal] = {}
    quote_lines: dict[int, list[_Line]] = defaultdict(list)
    invoiced: dict[int, Decimal] = {}
    ids = {"ids": [order.id for order in candidates]}
    for order_id, line_id, quantity, done, of_order in db.session.execute(_LINES, ids).all():
        if of_order:
            order_lines[order_id].append(_Line(line_id, quantity))
            delivered[line_id] = Decimal(done)
        else:
            quote_lines[order_id].append(_Line(line_id, quantity))
            invoiced[line_id] = Decimal(done)
    found = []
    for order in candidates:
        share = _share(order_lines.get(order.id, []), delivered)
        left = _left(_targets(quote_lines.get(order.id, []), share), invoiced)
        if any(quantity > 0 for quantity in left.values()):
            found.append(order)
    return found


def left_to_credit(line_ids: list[int], excluding: Invoice | None = None) -> dict[int, Decimal]:
    """Per invoice line: its quantity less what credit notes (drafts included) credit of it."""
    if not line_ids:
        return {}
    credited = (
        sa.select(InvoiceLine.credited_line_id, sa.func.sum(InvoiceLine.quantity).label("credited"))
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(InvoiceLine.credited_line_id.in_(line_ids), Invoice.kind == InvoiceKind.CREDIT_NOTE)
        .group_by(InvoiceLine.credited_line_id)
    )
    if excluding is not None and excluding.id is not None:
        credited = credited.where(Invoice.id != excluding.id)
    taken = {line_id: Decimal(quantity or 0) for line_id, quantity in db.session.execute(credited)}
    quantities = db.session.execute(
        sa.select(InvoiceLine.id, InvoiceLine.quantity).where(InvoiceLine.id.in_(line_ids))
    )
    return {line_id: max(quantity - taken.get(line_id, ZERO), ZERO) for line_id, quantity in quantities}


def deposit_percent_left(order: Order, excluding: Invoice | None = None) -> Decimal:
    """What percentage of the accepted quote deposits (drafts included) leave to deposit."""
    stmt = (
        sa.select(sa.func.coalesce(sa.func.sum(Invoice.deposit_percent), 0))
        .join(invoice_orders, invoice_orders.c.invoice_id == Invoice.id)
        .where(invoice_orders.c.order_id == order.id, Invoice.kind == InvoiceKind.DEPOSIT)
    )
    if excluding is not None and excluding.id is not None:
        stmt = stmt.where(Invoice.id != excluding.id)
    return max(HUNDRED - Decimal(db.session.scalar(stmt) or 0), ZERO)


def _quantity(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",") if value else "0"


def check(invoice: Invoice) -> None:
    """Refuse the invoice's lines that take more than there is, each with its message."""
    errors: dict[int, str] = {}
    lines = sorted(invoice.lines, key=lambda line: line.position)
    if invoice.kind is InvoiceKind.INVOICE:
        left: dict[int, Decimal] = {}
        for order in invoice.orders:
            left.update(left_to_invoice(order, excluding=invoice))
        _take(
            lines,
            lambda line: line.quote_line_id,
            left,
            errors,
            lambda n: _l(
                "At most %(left)s can be invoiced: what was delivered and is not invoiced yet.", left=n
            ),
        )
    elif invoice.kind is InvoiceKind.CREDIT_NOTE:
        ids = [line.credited_line_id for line in lines if line.credited_line_id is not None]
        left = left_to_credit(ids, excluding=invoice)
        _take(
            lines,
            lambda line: line.credited_line_id,
            left,
            errors,
            lambda n: _l(
                "At most %(left)s can be credited: the invoice's quantity not credited yet.", left=n
            ),
        )
    elif invoice.kind is InvoiceKind.DEPOSIT:
        _check_deposits(invoice)
    if errors:
        raise InvoicingError(" ".join(errors.values()), lines=errors)


def _check_deposits(invoice: Invoice) -> None:
    """Deposits, whatever their lines became in the editor, stay within the quotes."""
    for order in invoice.orders:
        quote = accepted_quote(order)
        if quote is None or quote.total_gross is None:
            raise InvoicingError(str(_l("This order has no accepted quote.")))
        if (invoice.deposit_percent or ZERO) > deposit_percent_left(order, excluding=invoice):
            raise InvoicingError(str(_l("The deposits of this order would exceed its quote.")))
        others = db.session.scalars(
            sa.select(Invoice)
            .join(invoice_orders, invoice_orders.c.invoice_id == Invoice.id)
            .where(
                invoice_orders.c.order_id == order.id,
                Invoice.kind == InvoiceKind.DEPOSIT,
                Invoice.id != invoice.id,
            )
        ).all()
        deposited = sum(
            (other.total_gross if other.number else other.totals().gross for other in others), ZERO
        )
        if deposited + invoice.totals().gross > quote.total_gross:
            raise InvoicingError(str(_l("The deposits of this order would exceed its quote.")))


def _take(
    lines: list[InvoiceLine],
    key: Callable[[InvoiceLine], int | None],
    left: dict[int, Decimal],
    errors: dict[int, str],
    message: Callable[[str], object],
) -> None:
    """Lines tied to the same thing share what is left of it, in their order."""
    taken: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        tied = key(line)
        if tied is None:
            continue  # a free line
        available = max(left.get(tied, ZERO) - taken[tied], ZERO)
        taken[tied] += line.quantity
        if line.quantity > available:
            errors[line.position] = str(message(_quantity(available)))
