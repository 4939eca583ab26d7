"""Customers: a SIRET keeps its SIREN, the delivery address falls back to billing, one main
contact per company."""

from __future__ import annotations

from ecoprod.customers import services
from ecoprod.customers.models import Contact, Customer, PaymentTerms, set_company_identifier
from ecoprod.database import Address
from ecoprod.extensions import db
from ecoprod.tenancy import scoped_to


def test_a_siret_keeps_its_siren_and_a_siren_alone_is_kept():
    customer = Customer(name="X")
    set_company_identifier(customer, "73282932000074")
    assert (customer.siret, customer.siren) == ("73282932000074", "732829320")
    set_company_identifier(customer, "732829320")
    assert (customer.siret, customer.siren) == (None, "732829320")
    set_company_identifier(customer, None)
    assert (customer.siret, customer.siren) == (None, None)


def test_goods_go_to_the_billing_address_when_no_delivery_address_is_given(world):
    billing = Address("1 rue A", None, "69001", "Lyon", "FR")
    with scoped_to(db.session, world.school.id):
        customer = services.create_customer(
            world.school.id, services.CustomerInput("Nouvelle SAS", billing, PaymentTerms.NET_30)
        )
        db.session.commit()
    assert customer.effective_delivery_address == billing
    assert customer.delivery_address.is_empty()


def test_one_main_contact_per_company(world):
    with scoped_to(db.session, world.school.id):
        first = services.save_contact(world.company, None, services.ContactInput("Ana", is_primary=True))
        second = services.save_contact(world.company, None, services.ContactInput("Bob", is_primary=True))
        db.session.commit()
        db.session.expire_all()
        primary = [
            c.name for c in db.session.query(Contact).filter_by(customer_id=world.company.id, is_primary=True)
        ]
    assert primary == ["Bob"] and first.id != second.id
