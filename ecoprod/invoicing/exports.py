"""The accountant's files: the sales journal (CSV) and the same entries in FEC layout.

Each issued invoice or credit note gives one balanced entry: the customer's account
(411… with its auxiliary account) for the total incl. VAT, the sales account for the amount
excl. VAT of each rate, the VAT account of each rate for its VAT. A credit note reverses
its sides. Rows are generated from one pass over the period's documents, so a year of
journal streams without being held in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from ecoprod.csvsafe import csv_line, fec_line
from ecoprod.extensions import db
from ecoprod.invoicing.models import Invoice, InvoiceKind, InvoiceLine
from ecoprod.money import ZERO, compute_totals, line_amounts
from ecoprod.schools.models import School, VatRate

# Usual French VAT collected accounts per rate, when the school set none.
DEFAULT_VAT_ACCOUNTS = {
    Decimal("20"): "445711",
    Decimal("10"): "445712",
    Decimal("5.5"): "445713",
    Decimal("2.1"): "445714",
}
BATCH = 500


@dataclass(frozen=True)
class Entry:
    day: date
    number: str
    account: str
    auxiliary: str
    auxiliary_name: str
    label: str
    debit: Decimal
    credit: Decimal
    due: date | None
    sequence: int


def customer_account(school: School, customer_id: int) -> str:
    return f"{school.customer_account_prefix}C{customer_id:05d}"


def vat_accounts(school: School) -> dict[Decimal, str]:
    accounts = dict(DEFAULT_VAT_ACCOUNTS)
    for rate, account in db.session.execute(
        sa.select(VatRate.rate, VatRate.account).where(
            VatRate.school_id == school.id, VatRate.account.is_not(None)
        )
    ):
        accounts[rate.normalize()] = account
    return accounts


def count_documents(start: date, end: date) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Invoice).where(*_period(start, end)))


def _period(start: date, end: date) -> list[sa.ColumnElement[bool]]:
    return [Invoice.number.is_not(None), Invoice.issue_date >= start, Invoice.issue_date <= end]


def entries(
    school: School, start: date, end: date, progress: Callable[[int], None] | None = None
) -> Iterator[Entry]:
    """The journal's rows for the documents issued between two days, in the order they were
    issued (the FEC's chronological order; numbers follow it within each series)."""
    accounts = vat_accounts(school)
    order = (Invoice.issue_date, Invoice.issued_at, Invoice.id)
    after: sa.ColumnElement[bool] = sa.true()
    sequence = 0
    while True:
        batch = db.session.execute(
            sa.select(
                Invoice.id,
                Invoice.issued_at,
                Invoice.kind,
                Invoice.number,
                Invoice.issue_date,
                Invoice.due_date,
                Invoice.customer_id,
                Invoice.buyer_name,
                Invoice.discount_percent,
                Invoice.total_gross,
            )
            .where(*_period(start, end), after)
            .order_by(*order)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        last = batch[-1]
        after = sa.tuple_(*order) > sa.tuple_(
            sa.literal(last.issue_date, Invoice.issue_date.type),
            sa.literal(last.issued_at, Invoice.issued_at.type),
            sa.literal(last.id),
        )
        lines: dict[int, list[tuple[Decimal, Decimal]]] = defaultdict(list)
        for invoice_id, quantity, price, discount, rate in db.session.execute(
            sa.select(
                InvoiceLine.invoice_id,
                InvoiceLine.quantity,
                InvoiceLine.unit_price,
                InvoiceLine.discount_percent,
                InvoiceLine.vat_rate,
            ).where(InvoiceLine.invoice_id.in_([row.id for row in batch]))
        ):
            lines[invoice_id].append((line_amounts(quantity, price, discount).net, rate))
        for row in batch:
            sequence += 1
            totals = compute_totals(lines[row.id], row.discount_percent)
            credit_note = row.kind is InvoiceKind.CREDIT_NOTE
            label = f"{'Avoir' if credit_note else 'Facture'} {row.number} {row.buyer_name or ''}".strip()
            auxiliary = customer_account(school, row.customer_id)

            common = {"day": row.issue_date, "number": row.number, "due": row.due_date, "sequence": sequence}
            d, c = side(totals.gross, True, credit_note)
            yield Entry(
                account=school.customer_account_prefix,
                auxiliary=auxiliary,
                auxiliary_name=row.buyer_name or "",
                label=label,
                debit=d,
                credit=c,
                **common,
            )
            for b in totals.breakdown:
                d, c = side(b.taxable, False, credit_note)
                yield Entry(
                    account=school.sales_account,
                    auxiliary="",
                    auxiliary_name="",
                    label=label,
                    debit=d,
                    credit=c,
                    **common,
                )
                if b.vat:
                    d, c = side(b.vat, False, credit_note)
                    yield Entry(
                        account=accounts.get(b.rate.normalize(), "445710"),
                        auxiliary="",
                        auxiliary_name="",
                        label=f"{label} TVA {french_rate(b.rate)} %",
                        debit=d,
                        credit=c,
                        **common,
                    )
        if progress:
            progress(len(batch))


def side(amount: Decimal, debit: bool, reversed_: bool) -> tuple[Decimal, Decimal]:
    """(debit, credit) of an amount; a credit note takes the other side."""
    if reversed_:
        debit = not debit
    return (amount, ZERO) if debit else (ZERO, amount)


def french(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def french_rate(rate: Decimal) -> str:
    """5.5 → ``5,5``; 20.00 → ``20``."""
    return f"{rate.normalize():f}".replace(".", ",")


JOURNAL_HEADER = [
    "Date",
    "Journal",
    "Pièce",
    "Compte",
    "Compte auxiliaire",
    "Libellé",
    "Débit",
    "Crédit",
    "Échéance",
]


def journal_csv(
    school: School, start: date, end: date, progress: Callable[[int], None] | None = None
) -> Iterator[str]:
    """The sales journal as CSV lines (``;``, French decimals; the caller writes the BOM)."""
    yield csv_line(JOURNAL_HEADER)
    for e in entries(school, start, end, progress):
        cells = [
            e.day.strftime("%d/%m/%Y"),
            school.sales_journal,
            e.number,
            e.account,
            e.auxiliary,
            e.label,
            french(e.debit),
            french(e.credit),
            e.due.strftime("%d/%m/%Y") if e.due else "",
        ]
        yield csv_line(cells)


FEC_HEADER = [
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
]


def fec_name(school: School, end: date) -> str:
    return f"{school.siren or '000000000'}FEC{end.strftime('%Y%m%d')}.txt"


def fec(
    school: School, start: date, end: date, progress: Callable[[int], None] | None = None
) -> Iterator[str]:
    """The same entries in the layout of the Fichier des écritures comptables (``|``)."""
    yield fec_line(FEC_HEADER)
    for e in entries(school, start, end, progress):
        account_label = (
            "Clients" if e.auxiliary else ("Ventes" if e.account == school.sales_account else "TVA collectée")
        )
        cells = [
            school.sales_journal,
            "Ventes",
            f"{school.sales_journal}{e.day.year}-{e.sequence:06d}",
            e.day.strftime("%Y%m%d"),
            e.account,
            account_label,
            e.auxiliary,
            e.auxiliary_name,
            e.number,
            e.day.strftime("%Y%m%d"),
            e.label,
            french(e.debit),
            french(e.credit),
            "",
            "",
            e.day.strftime("%Y%m%d"),
            "",
            "",
        ]
        yield fec_line(cells)
