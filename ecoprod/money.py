"""Money arithmetic for documents: Decimal, half-up to the cent, VAT per rate (EN 16931).

How the totals of a quote or an invoice are made, in one place:

1. each line: gross = round(quantity × unit price); line discount = round(gross × d %);
   net = gross − discount (EN 16931 BT-131);
2. lines are grouped by VAT rate; the document discount (a percentage) is taken from
   each rate's base separately, rounded per rate (one allowance per VAT category, BT-92);
3. per rate: taxable = base − allowance (BT-116), VAT = round(taxable × rate) (BT-117);
4. total excl. VAT = Σ taxable, VAT = Σ VAT per rate, total incl. VAT = their sum.

Every figure printed is the sum of the figures printed under it; nothing is rounded twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def to_cents(amount: Decimal) -> Decimal:
    """Round half-up to the cent (0.005 → 0.01, -0.005 → -0.01)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineAmounts:
    gross: Decimal
    discount: Decimal
    net: Decimal


def line_amounts(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal = ZERO) -> LineAmounts:
    gross = to_cents(quantity * unit_price)
    discount = to_cents(gross * discount_percent / HUNDRED)
    return LineAmounts(gross, discount, gross - discount)


@dataclass(frozen=True)
class VatBreakdown:
    """One VAT rate of a document (EN 16931 BG-23)."""

    rate: Decimal
    base: Decimal  # sum of the line nets at this rate
    allowance: Decimal  # the document discount taken from them
    taxable: Decimal
    vat: Decimal


@dataclass(frozen=True)
class Totals:
    lines_net: Decimal  # Σ line nets (BT-106)
    allowance: Decimal  # document discount (BT-107)
    net: Decimal  # total excl. VAT (BT-109)
    vat: Decimal  # total VAT (BT-110)
    gross: Decimal  # total incl. VAT (BT-112)
    breakdown: list[VatBreakdown] = field(default_factory=list)


def compute_totals(lines: Iterable[tuple[Decimal, Decimal]], discount_percent: Decimal = ZERO) -> Totals:
    """Totals of a document from its lines' ``(net, vat rate %)`` and a document discount %."""
    bases: dict[Decimal, Decimal] = {}
    for net, rate in lines:
        key = rate.normalize() if rate else ZERO
        bases[key] = bases.get(key, ZERO) + net
    breakdown = []
    for rate in sorted(bases, reverse=True):
        base = bases[rate]
        allowance = to_cents(base * discount_percent / HUNDRED)
        taxable = base - allowance
        breakdown.append(VatBreakdown(rate, base, allowance, taxable, to_cents(taxable * rate / HUNDRED)))
    lines_net = sum((b.base for b in breakdown), ZERO)
    allowance = sum((b.allowance for b in breakdown), ZERO)
    net = sum((b.taxable for b in breakdown), ZERO)
    vat = sum((b.vat for b in breakdown), ZERO)
    return Totals(lines_net, allowance, net, vat, net + vat, breakdown)
