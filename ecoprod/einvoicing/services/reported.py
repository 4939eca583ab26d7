"""What a period's e-reporting says, read from the school's issued invoices and payments:
sales to individuals per day (10.3), invoices to foreign businesses (10.1), and the payments
of both when VAT is due on receipt (10.4, 10.2). Reads only; ``ereporting`` builds and sends.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from stdnum.eu.vat import MEMBER_STATES

from ecoprod.customers.models import Customer, CustomerType
from ecoprod.einvoicing import frr
from ecoprod.einvoicing.services.sending import cashed_amounts, vat_due_on_receipt
from ecoprod.extensions import db
from ecoprod.i18n import gettext as _
from ecoprod.invoicing.models import Invoice, InvoiceKind, Payment
from ecoprod.money import ZERO, compute_totals
from ecoprod.pricing.models import LineKind
from ecoprod.schools.models import School, VatRegime

TYPE_CODES = {InvoiceKind.INVOICE: "380", InvoiceKind.DEPOSIT: "386", InvoiceKind.CREDIT_NOTE: "381"}
PROCESS_LETTERS = {"goods": "B", "services": "S", "mixed": "M"}
# What an exempt or franchise school writes beside its 0 % (G1.40: a reason and its code).
EXEMPTION_CODES = {VatRegime.FRANCHISE: "VATEX-FR-FRANCHISE", VatRegime.EXEMPT: "VATEX-EU-132"}


@dataclass
class Figures:
    """One flow's content for one period, and what stops it being sent (``problems``)."""

    sales: tuple[frr.InvoiceSale, ...] = ()
    days: tuple[frr.DaySales, ...] = ()
    cashed: tuple[frr.Cashed, ...] = ()
    documents: int = 0
    amount: Decimal = ZERO
    vat: Decimal = ZERO
    problems: list[str] = field(default_factory=list)


def _issued(school_id: int, kind: CustomerType, start: date, end: date) -> list[Invoice]:
    return list(
        db.session.scalars(
            sa.select(Invoice)
            .join(Customer, Customer.id == Invoice.customer_id)
            .where(
                Invoice.school_id == school_id,
                Invoice.number.is_not(None),
                Invoice.issue_date.between(start, end),
                Customer.customer_type == kind,
            )
            .options(selectinload(Invoice.lines), selectinload(Invoice.credited_invoice))
            .order_by(Invoice.issue_date, Invoice.id)
        )
    )


def _deducted(invoice: Invoice) -> dict[Decimal, tuple[Decimal, Decimal]]:
    """The deposits deducted in a final invoice, per rate (taxable, VAT): reported already."""
    deposits = db.session.scalars(
        sa.select(Invoice).where(Invoice.deducted_in_id == invoice.id).options(selectinload(Invoice.lines))
    )
    out: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for deposit in deposits:
        for b in deposit.totals().breakdown:
            taxable, vat = out.get(b.rate, (ZERO, ZERO))
            out[b.rate] = (taxable + b.taxable, vat + b.vat)
    return out


def _parts(invoice: Invoice, school: School) -> dict[str, dict[Decimal, tuple[Decimal, Decimal]]]:
    """An invoice's amounts per 10.3 category and rate: goods (TLB1) and services (TPS1), or
    not taxed in France (TNT1) for a school outside VAT; deposits deducted are taken off
    (services first), a credit note counts negative."""
    totals = invoice.totals()
    goods = compute_totals(
        ((ln.net, ln.vat_rate) for ln in invoice.lines if ln.kind is LineKind.MATERIAL),
        invoice.discount_percent,
    )
    goods_by_rate = {b.rate: (b.taxable, b.vat) for b in goods.breakdown}
    deducted = _deducted(invoice) if invoice.kind is InvoiceKind.INVOICE else {}
    sign = Decimal(-1) if invoice.is_credit_note else Decimal(1)
    parts: dict[str, dict[Decimal, tuple[Decimal, Decimal]]] = defaultdict(dict)
    for b in totals.breakdown:
        g_taxable, g_vat = goods_by_rate.get(b.rate, (ZERO, ZERO))
        s_taxable, s_vat = b.taxable - g_taxable, b.vat - g_vat
        d_taxable, d_vat = deducted.get(b.rate, (ZERO, ZERO))
        take = min(d_taxable, s_taxable)
        take_vat = min(d_vat, s_vat)
        s_taxable, s_vat = s_taxable - take, s_vat - take_vat
        g_taxable, g_vat = g_taxable - (d_taxable - take), g_vat - (d_vat - take_vat)
        for category, taxable, vat in (("TLB1", g_taxable, g_vat), ("TPS1", s_taxable, s_vat)):
            if not school.charges_vat:
                category = "TNT1"
            if taxable or vat:
                old = parts[category].get(b.rate, (ZERO, ZERO))
                parts[category][b.rate] = (old[0] + sign * taxable, old[1] + sign * vat)
    return parts


def sales_to_individuals(school: School, start: date, end: date) -> Figures:
    """10.3: each day's sales to individuals, per category and rate, with their count."""
    days: dict[tuple[date, str], dict[Decimal, tuple[Decimal, Decimal]]] = defaultdict(dict)
    counts: dict[tuple[date, str], int] = defaultdict(int)
    invoices = _issued(school.id, CustomerType.INDIVIDUAL, start, end)
    for invoice in invoices:
        for category, rates in _parts(invoice, school).items():
            key = (invoice.issue_date, category)
            counts[key] += 1
            for rate, (taxable, vat) in rates.items():
                old = days[key].get(rate, (ZERO, ZERO))
                days[key][rate] = (old[0] + taxable, old[1] + vat)
    out = tuple(
        frr.DaySales(
            day,
            category,
            counts[(day, category)],
            tuple(
                frr.Subtotal(rate if school.charges_vat else ZERO, taxable, vat)
                for rate, (taxable, vat) in sorted(days[(day, category)].items(), reverse=True)
            ),
        )
        for day, category in sorted(days)
    )
    return Figures(
        days=out,
        documents=len(invoices),
        amount=sum((s.taxable for d in out for s in d.subtotals), ZERO),
        vat=sum((s.vat for d in out for s in d.subtotals), ZERO),
    )


def _buyer(invoice: Invoice) -> frr.Buyer | str:
    """A foreign buyer's identifier (0223: its EU VAT number; 0227 outside the EU), or why
    there is none."""
    country = ((invoice.billing_address.country if invoice.billing_address else None) or "").upper()
    vat = (invoice.buyer_vat_number or "").replace(" ", "").upper() or None
    name = invoice.buyer_name or invoice.customer.name
    if not country or country == "FR":
        return _("%(customer)s is a foreign business but its billing address is not abroad.", customer=name)
    if country.lower() in MEMBER_STATES or country == "EL":
        if not vat:
            return _("Enter the EU VAT number of %(customer)s.", customer=name)
        return frr.Buyer("0223", vat[:18], country, vat)
    if not vat:
        return _("Enter the VAT or tax number of %(customer)s.", customer=name)
    return frr.Buyer("0227", vat[:18], country)


def sales_abroad(school: School, start: date, end: date) -> Figures:
    """10.1: each invoice, deposit invoice and credit note to a foreign business."""
    figures = Figures()
    if not school.vat_number:
        figures.problems.append(
            _("Enter the school's VAT number in the school settings: sales abroad are reported with it.")
        )
    sales = []
    invoices = _issued(school.id, CustomerType.FOREIGN, start, end)
    for invoice in invoices:
        buyer = _buyer(invoice)
        if isinstance(buyer, str):
            figures.problems.append(buyer)
            continue
        exemption = None if school.charges_vat else (school.vat_mention or "")
        subtotals = tuple(
            frr.Subtotal(
                b.rate if school.charges_vat else ZERO,
                b.taxable,
                b.vat,
                code=("S" if b.rate else "Z") if school.charges_vat else "E",
                exemption=exemption,
                exemption_code=EXEMPTION_CODES.get(school.vat_regime),
            )
            for b in invoice.totals().breakdown
        )
        credited = invoice.credited_invoice
        sales.append(
            frr.InvoiceSale(
                number=invoice.number or "",
                issue_date=invoice.issue_date,
                type_code=TYPE_CODES[invoice.kind],
                process=PROCESS_LETTERS[invoice.category.value] + ("4" if invoice.prepaid else "1"),
                due_date=invoice.due_date,
                seller_vat_number=school.vat_number or "",
                buyer=buyer,
                subtotals=subtotals,
                credited=(credited.number, credited.issue_date) if credited and credited.number else None,
            )
        )
    figures.sales = tuple(sales)
    figures.documents = len(invoices)
    figures.amount = sum((s.taxable for sale in sales for s in sale.subtotals), ZERO)
    figures.vat = sum((s.vat for sale in sales for s in sale.subtotals), ZERO)
    return figures


def cashed(school: School, kind: CustomerType, start: date, end: date) -> Figures:
    """10.4 (individuals, per day) or 10.2 (foreign businesses, per invoice): the payments
    received when the VAT falls due on receipt, VAT included, per rate. Payments of
    invoices whose VAT is due at issue (goods, the option for debits) are not reported."""
    payments = list(
        db.session.scalars(
            sa.select(Payment)
            .join(Invoice, Invoice.id == Payment.invoice_id)
            .join(Customer, Customer.id == Invoice.customer_id)
            .where(
                Payment.school_id == school.id,
                Payment.paid_on.between(start, end),
                Payment.amount > 0,
                Customer.customer_type == kind,
                Invoice.total_vat > 0,
            )
            .options(selectinload(Payment.invoice).selectinload(Invoice.lines))
            .order_by(Payment.paid_on, Payment.id)
        )
    )
    payments = [p for p in payments if vat_due_on_receipt(p.invoice)]
    figures = Figures(documents=len(payments), amount=sum((p.amount for p in payments), ZERO))
    if kind is CustomerType.FOREIGN:
        figures.cashed = tuple(
            frr.Cashed(
                p.paid_on,
                tuple(cashed_amounts(p.invoice, p.amount)),
                (p.invoice.number or "", p.invoice.issue_date),
            )
            for p in payments
        )
        return figures
    per_day: dict[date, dict[Decimal, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for p in payments:
        for rate, amount in cashed_amounts(p.invoice, p.amount):
            per_day[p.paid_on][rate] += amount
    figures.cashed = tuple(
        frr.Cashed(day, tuple(sorted(per_day[day].items(), reverse=True))) for day in sorted(per_day)
    )
    return figures
