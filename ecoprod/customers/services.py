"""Named actions on customer companies and their contacts."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ecoprod.customers.models import Contact, Customer, PaymentTerms, set_company_identifier
from ecoprod.database import Address, utcnow
from ecoprod.extensions import db

SIMPLE_FIELDS = ("name", "legal_form", "vat_number", "email", "phone", "language", "notes")


def apply_customer_form(customer: Customer, data: dict[str, Any]) -> None:
    for name in SIMPLE_FIELDS:
        setattr(customer, name, data[name])
    set_company_identifier(customer, data["siret"])
    customer.billing_address = Address(**data["billing_address"])
    delivery = Address(**data["delivery_address"])
    customer.delivery_address = Address() if delivery.is_empty() else delivery
    customer.payment_terms = PaymentTerms(data["payment_terms"])


def create_customer(school_id: int, data: dict[str, Any]) -> Customer:
    customer = Customer(school_id=school_id)
    apply_customer_form(customer, data)
    db.session.add(customer)
    db.session.flush()
    return customer


def archive_customer(customer: Customer) -> None:
    customer.archived_at = utcnow()


def restore_customer(customer: Customer) -> None:
    customer.archived_at = None


def save_contact(customer: Customer, contact: Contact | None, data: dict[str, Any]) -> Contact:
    """Create or update a contact; only one contact of a company is the main one."""
    if contact is None:
        contact = Contact(school_id=customer.school_id, customer=customer)
        db.session.add(contact)
    for name in ("name", "job_title", "email", "phone", "is_primary"):
        setattr(contact, name, data[name])
    if contact.is_primary:
        db.session.flush()
        db.session.execute(
            sa.update(Contact)
            .where(Contact.customer_id == customer.id, Contact.id != contact.id)
            .values(is_primary=False)
            .execution_options(synchronize_session="fetch")
        )
    return contact


def delete_contact(contact: Contact) -> None:
    db.session.delete(contact)
