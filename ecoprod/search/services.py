"""The search: every word of the query in one of each kind's searched columns (the same as
its list's search box), a few results per kind, and the list that holds them all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import url_for

from ecoprod.accounts.models import User
from ecoprod.customers.access import visible_customers
from ecoprod.customers.models import Customer
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.invoicing.access import visible_invoices
from ecoprod.invoicing.models import Invoice
from ecoprod.orders.access import visible_orders
from ecoprod.orders.models import Order
from ecoprod.quotes.access import visible_quotes
from ecoprod.quotes.models import Quote
from ecoprod.search.access import searches_people
from ecoprod.students.models import Student
from ecoprod.web.listing import search_filter

PER_KIND = 8


@dataclass(frozen=True)
class Hit:
    label: str
    detail: str
    url: str


@dataclass
class Group:
    kind: Any  # a lazy label
    hits: list[Hit] = field(default_factory=list)
    more_url: str | None = None  # the list, searched the same way, when there may be more


def _group(kind: Any, stmt: sa.Select[Any], hit: Callable[[Any], Hit], more: str) -> Group | None:
    rows = db.session.scalars(stmt.limit(PER_KIND + 1)).unique().all()
    if not rows:
        return None
    return Group(kind, [hit(r) for r in rows[:PER_KIND]], more if len(rows) > PER_KIND else None)


def find(user: User, query: str) -> list[Group]:
    """The groups with results, in a fixed order: requests, quotes, invoices, customers,
    students. Numbers, titles, names and references are searched."""
    query = (query or "").strip()[:100]
    if not query:
        return []
    groups: list[Group | None] = []
    orders = visible_orders(user).where(
        search_filter(query, Order.number, Order.title, Order.customer_reference)
    )
    groups.append(
        _group(
            _l("Requests"),
            orders.options(sa.orm.joinedload(Order.customer)).order_by(
                Order.created_at.desc(), Order.id.desc()
            ),
            lambda o: Hit(
                f"{o.reference} · {o.title}", o.state.label, url_for("orders.detail", order_id=o.id)
            ),
            url_for("orders.index", q=query),
        )
    )
    quotes = (
        visible_quotes(user)
        .join(Quote.order)
        .where(search_filter(query, Quote.base_number, Order.title, Order.number))
    )
    groups.append(
        _group(
            _l("Quotes"),
            quotes.options(sa.orm.contains_eager(Quote.order)).order_by(
                Quote.updated_at.desc(), Quote.id.desc()
            ),
            lambda q: Hit(
                f"{q.reference} · {q.order.title}", q.state.label, url_for("quotes.detail", quote_id=q.id)
            ),
            url_for("quotes.index", q=query),
        )
    )
    invoices = (
        visible_invoices(user)
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(search_filter(query, Invoice.number, Invoice.buyer_reference, Customer.name))
    )
    groups.append(
        _group(
            _l("Invoices"),
            invoices.options(sa.orm.contains_eager(Invoice.customer)).order_by(Invoice.id.desc()),
            lambda i: Hit(
                f"{i.reference} · {i.customer.name}",
                f"{i.kind.label} · {i.state_label}",
                url_for("invoicing.detail" if i.number else "invoicing.edit", invoice_id=i.id),
            ),
            url_for("invoicing.index", q=query),
        )
    )
    if searches_people(user):
        customers = visible_customers(user).where(
            search_filter(query, Customer.name, Customer.siren, Customer.email),
            Customer.archived_at.is_(None),
        )
        groups.append(
            _group(
                _l("Customers"),
                customers.order_by(Customer.name, Customer.id),
                lambda c: Hit(
                    c.name, c.siren or c.email or "", url_for("customers.detail", customer_id=c.id)
                ),
                url_for("customers.index", q=query),
            )
        )
        students = sa.select(Student).where(
            search_filter(query, Student.first_name, Student.last_name), Student.archived_at.is_(None)
        )
        groups.append(
            _group(
                _l("Students"),
                students.order_by(Student.last_name, Student.first_name, Student.id),
                lambda s: Hit(s.full_name, s.trade.label, url_for("students.edit", student_id=s.id)),
                url_for("students.index", q=query),
            )
        )
    return [g for g in groups if g is not None]
