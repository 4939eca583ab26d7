"""The query budget on network-shaped data (issue 10): the network seed's full flow —
requests, revised and refused quotes, planned work, deliveries, deposits, credit notes,
payments — loaded twice, small then four times larger with a second school; every list and
detail page of every role must send the same number of SQL statements both times."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from ecoprod.accounts.models import Role, User
from ecoprod.customers.models import Customer
from ecoprod.delivery.models import DeliveryNote
from ecoprod.demo.network import network_slug, seed_network
from ecoprod.extensions import db
from ecoprod.invoicing.models import Invoice, InvoiceKind, InvoiceState
from ecoprod.orders.models import Order, OrderState
from ecoprod.quotes.models import Quote, QuoteState
from ecoprod.schools.models import School
from ecoprod.students.models import Student
from ecoprod.workshops.models import Workshop
from tests.conftest import empty_database, login_as

Ids = dict[str, int]
IN_WORK = (OrderState.ACCEPTED, OrderState.PLANNED, OrderState.IN_PRODUCTION, OrderState.READY)

LISTS = {
    "admin": [
        "/requests", "/requests?tab=in_progress", "/requests?q=a", "/inbox", "/quotes", "/deliveries",
        "/invoices", "/invoices?tab=unpaid", "/invoices?q=F", "/invoices/to-invoice", "/invoices/overdue",
        "/dashboard", "/admin/customers/", "/admin/customers/?q=a", "/admin/students/", "/admin/users",
        "/admin/workshops/", "/minors/", "/planning", "/reports/activity", "/admin/imports/",
    ],
    "master": ["/inbox", "/quotes", "/planning", "/requests"],
    "customer": ["/requests", "/quotes", "/invoices"],
    "operator": ["/platform/schools", "/platform/reports"],
}  # fmt: skip
DETAILS: dict[str, list[Callable[[Ids], str]]] = {  # each names the record it opens
    "admin": [
        lambda i: f"/requests/{i['invoiced_order']}",
        lambda i: f"/requests/{i['planned_order']}",
        lambda i: f"/requests/{i['quoted_order']}",
        lambda i: f"/invoices/{i['invoice']}",
        lambda i: f"/invoices/{i['credit_note']}",
        lambda i: f"/deliveries/{i['delivery']}",
        lambda i: f"/quotes/{i['accepted_quote']}",
        lambda i: f"/admin/customers/{i['customer']}",
        lambda i: f"/admin/workshops/{i['workshop']}",
        lambda i: f"/planning/workshops/{i['workshop']}",
        lambda i: f"/skills/students/{i['student']}",
    ],
    "master": [
        lambda i: f"/planning/workshops/{i['workshop']}",
        lambda i: f"/requests/{i['planned_order']}",
    ],
    "customer": [
        lambda i: f"/requests/{i['customer_order']}",
        lambda i: f"/invoices/{i['customer_invoice']}",
    ],
}


def _newest(model: Any, school_id: int, *where: Any) -> int:
    found = db.session.scalar(
        sa.select(model.id).where(model.school_id == school_id, *where).order_by(model.id.desc()).limit(1)
    )
    assert found, f"the seed made no {model.__name__} where {[str(w) for w in where]}"
    return found


def _people(school_id: int) -> dict[str, User]:
    def first(role: Role) -> User:
        return db.session.scalars(
            sa.select(User)
            .where(User.school_id == school_id, User.role == role)
            .order_by(User.email)
            .limit(1)
        ).one()

    operator = db.session.scalars(sa.select(User).where(User.role == Role.OPERATOR)).one()
    return {"admin": first(Role.ADMIN), "master": first(Role.MASTER), "customer": first(Role.CUSTOMER),
            "operator": operator}  # fmt: skip


def _ids(school_id: int, people: dict[str, User]) -> Ids:
    master = people["master"]
    workshop = db.session.scalar(
        sa.select(Workshop.id).where(Workshop.id.in_([w.id for w in master.workshops])).order_by(Workshop.id)
    )
    company = people["customer"].customer_id
    return {
        "invoiced_order": _newest(Order, school_id, Order.state == OrderState.INVOICED),
        "planned_order": _newest(Order, school_id, Order.state.in_(IN_WORK)),
        "quoted_order": _newest(Order, school_id, Order.state == OrderState.QUOTED),
        "invoice": _newest(Invoice, school_id, Invoice.kind == InvoiceKind.INVOICE, Invoice.state == InvoiceState.PAID),
        "credit_note": _newest(Invoice, school_id, Invoice.kind == InvoiceKind.CREDIT_NOTE),
        "delivery": _newest(DeliveryNote, school_id),
        "accepted_quote": _newest(Quote, school_id, Quote.state == QuoteState.ACCEPTED),
        "customer": company,
        "workshop": workshop,
        "student": _newest(Student, school_id, Student.workshop_id == workshop),
        "customer_order": _newest(Order, school_id, Order.customer_id == company, Order.state == OrderState.INVOICED),
        "customer_invoice": _newest(Invoice, school_id, Invoice.customer_id == company, Invoice.number.is_not(None)),
    }  # fmt: skip


def _label(url: Callable[[Ids], str]) -> str:
    """``/requests/invoiced_order``: the page and the record it opens."""
    return url(_Named())


class _Named(dict[str, str]):
    """Ids that answer with their own name."""

    def __missing__(self, key: str) -> str:
        return key


def _count_every_page(app: Any, count_queries: Any) -> dict[str, int]:
    school_id = db.session.scalar(sa.select(School.id).where(School.slug == network_slug(1)))
    people = _people(school_id)
    ids = _ids(school_id, people)
    counts = {}
    for role, person in people.items():
        client = app.test_client()
        login_as(client, person)
        urls = [(url, url) for url in LISTS.get(role, [])]
        urls += [(url(ids), _label(url)) for url in DETAILS.get(role, [])]
        for url, label in urls:
            db.session.expire_all()
            with count_queries() as counter:
                response = client.get(url)
            assert response.status_code == 200, (role, url, response.status_code)
            response.close()
            counts[f"{role} {label}"] = counter.count
    db.session.remove()
    return counts


def test_every_page_sends_as_many_statements_on_a_larger_network(app: Any, count_queries: Any) -> None:
    seed_network(1, 3, orders_per_school=200, customers_per_school=8)
    small = _count_every_page(app, count_queries)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Customer)) == 8
    db.session.remove()  # nothing left open that the clean-up would wait for
    empty_database(app)
    seed_network(2, 3, orders_per_school=600, customers_per_school=24)
    large = _count_every_page(app, count_queries)
    assert len(small) == len(large) > 40
    grew = {page: (small[page], large[page]) for page in small if small[page] != large[page]}
    assert grew == {}, "statements grew with the rows (small, large): " + repr(grew)
