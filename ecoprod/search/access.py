"""Who searches what: each kind is searched through its own domain's visibility rule
(``visible_orders``, ``visible_quotes``, ``visible_invoices``, ``visible_customers``), so a
customer finds only its company's requests, quotes and invoices; customers and students are
searched by administrators only, the roles whose pages list them."""

from __future__ import annotations

from ecoprod.accounts.models import User


def searches_people(user: User) -> bool:
    return user.is_admin
