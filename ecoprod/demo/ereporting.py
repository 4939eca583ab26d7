"""The demo's sales to individuals: what the first school e-reports rather than e-invoices
(a workshop open day's services, a set of goods), issued in the past weeks and paid."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from ecoprod.accounts.models import Role, User
from ecoprod.customers.models import Customer, CustomerType
from ecoprod.database import Address
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing import services as invoicing
from ecoprod.invoicing.models import Invoice, InvoiceKind, InvoiceLine, PaymentMethod
from ecoprod.orders.models import Unit
from ecoprod.pricing.models import LineKind
from ecoprod.tenancy import scoped_to

# (who, days ago, [(kind, description, quantity, unit price)], paid days ago or None)
# Issued after the other demo invoices (the latest, 14 days ago): numbers follow the dates.
SALES = [
    ("Camille Martin", 13, [(LineKind.LABOUR, "Réparation d'un portail en fer forgé", "3", "45.00")], 10),
    ("Camille Martin", 10, [(LineKind.MATERIAL, "Jardinière en acier corten", "2", "85.00")], 10),
    ("Lucas Bernard", 7, [(LineKind.LABOUR, "Affûtage et réglage d'outils", "2", "45.00")], 2),
]


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=UTC)


def seed_individual_sales(school_id: int) -> None:
    today = local_today()
    with scoped_to(db.session, school_id):
        admin = db.session.scalars(
            sa.select(User).where(User.school_id == school_id, User.role == Role.ADMIN).order_by(User.id)
        ).first()
        customers: dict[str, Customer] = {}
        for name, days_ago, lines, paid in SALES:
            if name not in customers:
                customers[name] = Customer(
                    school_id=school_id,
                    name=name,
                    customer_type=CustomerType.INDIVIDUAL,
                    billing_address=Address("12 rue des Tanneurs", None, "69001", "Lyon", "FR"),
                )
                db.session.add(customers[name])
                db.session.flush()
            invoice = Invoice(
                school_id=school_id,
                kind=InvoiceKind.INVOICE,
                customer_id=customers[name].id,
                created_by_id=admin.id,
                language="fr",
            )
            invoice.lines.extend(
                InvoiceLine(
                    school_id=school_id,
                    position=n,
                    kind=kind,
                    description=text,
                    unit=Unit.HOUR if kind is LineKind.LABOUR else Unit.PIECE,
                    quantity=Decimal(quantity),
                    unit_price=Decimal(price),
                    vat_rate=Decimal("20"),
                )
                for n, (kind, text, quantity, price) in enumerate(lines, start=1)
            )
            db.session.add(invoice)
            db.session.flush()
            day = today - timedelta(days=days_ago)
            issued = invoicing.issue(invoice, admin, at=_at(day))
            if paid is not None:
                invoicing.record_payment(
                    issued, today - timedelta(days=paid), issued.amount_due, PaymentMethod.CARD, None, admin
                )
        db.session.flush()
