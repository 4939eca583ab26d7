"""Draft invoices made directly (the numbering race needs many)."""

from __future__ import annotations

from decimal import Decimal

from ecoprod.extensions import db
from ecoprod.invoicing.models import Invoice, InvoiceKind, InvoiceLine
from ecoprod.orders.models import Unit
from ecoprod.pricing.models import LineKind
from tests.factories.reference import World


def drafts(world: World, count: int, lines: int = 1) -> list[int]:
    """``count`` draft invoices of ``lines`` lines each, of the world's company, made directly
    (many lines make a PDF that takes its time to render: the fault tests kill during it)."""
    invoices = []
    for n in range(count):
        invoice = Invoice(
            school_id=world.school.id,
            kind=InvoiceKind.INVOICE,
            customer_id=world.company.id,
            created_by_id=world.admin.id,
            language="fr",
        )
        invoice.lines.extend(
            InvoiceLine(
                school_id=world.school.id,
                position=position,
                kind=LineKind.LABOUR,
                description=f"Prestation {n}" if lines == 1 else f"Facture {n}, prestation {position}",
                unit=Unit.HOUR,
                quantity=Decimal("1"),
                unit_price=Decimal("45.00"),
                vat_rate=Decimal("20"),
            )
            for position in range(1, lines + 1)
        )
        invoices.append(invoice)
    db.session.add_all(invoices)
    db.session.commit()
    return [i.id for i in invoices]
