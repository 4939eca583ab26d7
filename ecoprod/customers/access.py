"""Who sees the customer companies and their contacts: the school's administrators. The school boundary is the tenant scope's
(``ecoprod.tenancy``); the rest is here, in the orders' pattern: ``visible_*`` for lists,
``load_*_or_404`` for one record (404 for what a user may not see)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from ecoprod.accounts.models import User
from ecoprod.customers.models import Contact, Customer
from ecoprod.extensions import db


def can_see(user: User) -> bool:
    return user.is_admin


def visible_customers(user: User) -> sa.Select[tuple[Customer]]:
    stmt = sa.select(Customer)
    return stmt if can_see(user) else stmt.where(sa.false())


def load_customer_or_404(customer_id: int, user: User) -> Customer:
    customer = db.get_or_404(Customer, customer_id)
    if not can_see(user):
        abort(404)
    return customer


def visible_contacts(user: User) -> sa.Select[tuple[Contact]]:
    stmt = sa.select(Contact)
    return stmt if can_see(user) else stmt.where(sa.false())


def load_contact_or_404(contact_id: int, user: User) -> Contact:
    contact = db.get_or_404(Contact, contact_id)
    if not can_see(user):
        abort(404)
    return contact
