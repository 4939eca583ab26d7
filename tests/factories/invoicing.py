"""Draft invoices made directly (the numbering race needs many)."""

from __future__ import annotations

from decimal import Decimal

from ecoprod.extensions import db
from ecoprod.invoicing.models import Invoice, InvoiceKind, InvoiceLine
from ecoprod.orders.models import Unit
from ecoprod.pricing.models import LineKind
from tests.factories.reference import World


def drafts(world: World, count: int) -> list[int]:
    """``count`` one-line draft invoices of the world's company, made directly."""
    invoices = []
    for n in range(count):
        invoice = Invoice(
            school_id=world.school.id,
            kind=InvoiceKind.INVOICE,
            customer_id=world.company.id,
            created_by_id=world.admin.id,
            language="fr",
        )
        invoice.lines.append(
            InvoiceLine(
                school_id=world.school.id,
                position=1,
                kind=LineKind.LABOUR,
                description=f"Prestation {n}",
                unit=Unit.HOUR,
                quantity=Decimal("1"),
                unit_price=Decimal("45.00"),
                vat_rate=Decimal("20"),
            )
        )
        invoices.append(invoice)
    db.session.add_all(invoices)
    db.session.commit()
    return [i.id for i in invoices]
