"""Named actions on customer companies and their contacts."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from ecoprod.customers.models import Contact, Customer, CustomerType, PaymentTerms, set_company_identifier
from ecoprod.database import Address, utcnow
from ecoprod.extensions import db


@dataclass
class CustomerInput:
    name: str
    billing_address: Address
    payment_terms: PaymentTerms
    legal_form: str | None = None
    siret: str | None = None  # a SIRET or a SIREN, cleaned
    vat_number: str | None = None
    email: str | None = None
    phone: str | None = None
    delivery_address: Address = field(default_factory=Address)
    language: str = "fr"
    notes: str | None = None
    customer_type: CustomerType = CustomerType.BUSINESS
    service_code: str | None = None


@dataclass
class ContactInput:
    name: str
    job_title: str | None = None
    email: str | None = None
    phone: str | None = None
    is_primary: bool = False


def update_customer(customer: Customer, data: CustomerInput) -> None:
    names = ("name", "legal_form", "vat_number", "email", "phone", "language", "notes", "payment_terms")
    for name in (*names, "customer_type"):
        setattr(customer, name, getattr(data, name))
    set_company_identifier(customer, data.siret)
    customer.service_code = data.service_code if data.customer_type is CustomerType.PUBLIC else None
    customer.billing_address = data.billing_address
    if not data.delivery_address.is_empty():
        customer.delivery_address = data.delivery_address
    elif customer.delivery_address is None or not customer.delivery_address.is_empty():
        customer.delivery_address = Address()  # (an empty one as stored is left as it is)


def create_customer(school_id: int, data: CustomerInput) -> Customer:
    customer = Customer(school_id=school_id)
    update_customer(customer, data)
    db.session.add(customer)
    db.session.flush()
    return customer


def archive_customer(customer: Customer) -> None:
    customer.archived_at = utcnow()


def restore_customer(customer: Customer) -> None:
    customer.archived_at = None


def save_contact(customer: Customer, contact: Contact | None, data: ContactInput) -> Contact:
    """Create or update a contact; only one contact of a company is the main one."""
    if contact is None:
        contact = Contact(school_id=customer.school_id, customer=customer)
        db.session.add(contact)
    for name in ("name", "job_title", "email", "phone", "is_primary"):
        setattr(contact, name, getattr(data, name))
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
