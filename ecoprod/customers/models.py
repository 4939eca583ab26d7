"""Customer companies (donneurs d'ordre), their contacts and their users."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecoprod.database import Address, ArchivableMixin, Line, TimestampMixin, address_columns, enum_type
from ecoprod.extensions import db
from ecoprod.i18n import label
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.tenancy import TenantMixin

if TYPE_CHECKING:
    from ecoprod.accounts.models import User


class PaymentTerms(enum.StrEnum):
    """French B2B terms; the legal ceiling is 60 days, or 45 days end of month."""

    ON_RECEIPT = "on_receipt"
    NET_30 = "net_30"
    NET_45_EOM = "net_45_eom"
    NET_60 = "net_60"

    @property
    def label(self) -> str:
        return label(PAYMENT_TERMS_LABELS[self])


PAYMENT_TERMS_LABELS = {
    PaymentTerms.ON_RECEIPT: _l("On receipt"),
    PaymentTerms.NET_30: _l("30 days"),
    PaymentTerms.NET_45_EOM: _l("45 days end of month"),
    PaymentTerms.NET_60: _l("60 days"),
}


class CustomerType(enum.StrEnum):
    """Who the customer is for the e-invoicing reform: it decides whether an invoice goes
    through the platform (a French business or public body) or is e-reported (the others)."""

    BUSINESS = "business"
    PUBLIC = "public"
    INDIVIDUAL = "individual"
    FOREIGN = "foreign"

    @property
    def label(self) -> str:
        return label(CUSTOMER_TYPE_LABELS[self])

    @property
    def e_invoiced(self) -> bool:
        return self in (CustomerType.BUSINESS, CustomerType.PUBLIC)


CUSTOMER_TYPE_LABELS = {
    CustomerType.BUSINESS: _l("French business"),
    CustomerType.PUBLIC: _l("French public body"),
    CustomerType.INDIVIDUAL: _l("Individual"),
    CustomerType.FOREIGN: _l("Foreign business"),
}


class Customer(TenantMixin, ArchivableMixin, TimestampMixin, db.Model):
    __tablename__ = "customers"
    __table_args__ = (sa.Index("ix_customers_school_name", "school_id", "name", "id"),)  # the list

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Line(200))
    legal_form: Mapped[str | None] = mapped_column(Line(80))
    siret: Mapped[str | None] = mapped_column(Line(14))
    siren: Mapped[str | None] = mapped_column(Line(9), index=True)
    vat_number: Mapped[str | None] = mapped_column(Line(20))
    email: Mapped[str | None] = mapped_column(Line(254))
    phone: Mapped[str | None] = mapped_column(Line(30))
    billing_address: Mapped[Address] = address_columns("billing")
    delivery_address: Mapped[Address] = address_columns("delivery")
    payment_terms: Mapped[PaymentTerms] = mapped_column(
        enum_type(PaymentTerms, 20), default=PaymentTerms.NET_30
    )
    language: Mapped[str] = mapped_column(Line(5), default="fr")
    notes: Mapped[str | None] = mapped_column(sa.Text)
    customer_type: Mapped[CustomerType] = mapped_column(
        enum_type(CustomerType, 12), default=CustomerType.BUSINESS, server_default=CustomerType.BUSINESS.value
    )
    # A public body's service code (code service, Chorus Pro), the invoices' buyer reference (BT-10).
    service_code: Mapped[str | None] = mapped_column(Line(100))

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="customer", order_by="Contact.name", cascade="all, delete-orphan"
    )
    users: Mapped[list[User]] = relationship(back_populates="customer", order_by="User.full_name")

    @property
    def effective_delivery_address(self) -> Address:
        """Where goods go: the delivery address, or the billing one when none is given."""
        if self.delivery_address is None or self.delivery_address.is_empty():
            return self.billing_address
        return self.delivery_address

    def __repr__(self) -> str:
        return f"<Customer {self.name}>"


def set_company_identifier(customer: Customer, identifier: str | None) -> None:
    """Store a cleaned SIRET (14 digits) or SIREN (9): the SIREN is always kept."""
    customer.siret = identifier if identifier and len(identifier) == 14 else None
    customer.siren = identifier[:9] if identifier else None


class Contact(TenantMixin, TimestampMixin, db.Model):
    """A person at the customer; not necessarily someone who signs in."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(Line(120))
    job_title: Mapped[str | None] = mapped_column(Line(120))
    email: Mapped[str | None] = mapped_column(Line(254))
    phone: Mapped[str | None] = mapped_column(Line(30))
    is_primary: Mapped[bool] = mapped_column(default=False)

    customer: Mapped[Customer] = relationship(back_populates="contacts")
