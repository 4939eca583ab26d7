"""Who sees the customer companies and their contacts: the school's administrators.
The orders' pattern (``ecoprod.visibility``): ``visible_*`` for lists, ``load_*_or_404``
for one record, 404 for what one may not see."""

from __future__ import annotations

import sqlalchemy as sa

from ecoprod.accounts.models import User
from ecoprod.customers.models import Contact, Customer
from ecoprod.visibility import found_if, visible_if


def can_see(user: User) -> bool:
    return user.is_admin


def visible_customers(user: User) -> sa.Select[tuple[Customer]]:
    return visible_if(can_see(user), Customer)


def load_customer_or_404(customer_id: int, user: User) -> Customer:
    return found_if(can_see(user), Customer, customer_id)


def visible_contacts(user: User) -> sa.Select[tuple[Contact]]:
    return visible_if(can_see(user), Contact)


def load_contact_or_404(contact_id: int, user: User) -> Contact:
    return found_if(can_see(user), Contact, contact_id)
