"""Keyset pages: walking the "next" cursors visits every row once, in the list's order, even
when sort keys repeat; "previous" comes back to the same pages; a cursor that does not decode
is the first page; rows added ahead of the cursor never shift the page one is on."""

import random
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from ecoprod.customers.models import Customer
from ecoprod.extensions import db
from ecoprod.orders.models import Order
from ecoprod.tenancy import scoped_to
from ecoprod.web.keyset import asc, desc, keyset


def _walk(app, stmt, keys, per_page, start=None):
    pages, args = [], dict(start or {})
    while True:
        with app.test_request_context(query_string=args):
            page = keyset(stmt, *keys, per_page=per_page)
        pages.append(page)
        if not page.has_next:
            return pages
        args = page.next_args


@pytest.mark.parametrize("per_page", [1, 3, 7, 50])
def test_next_cursors_visit_every_row_once_in_order(app, world, factory, per_page):
    rng = random.Random(per_page)
    for _ in range(23):  # names repeat: the id breaks the ties
        factory.customer(world.school, name=rng.choice(["Alpha", "Bêta", "Gamma"]))
    db.session.commit()
    with scoped_to(db.session, world.school.id):
        stmt = sa.select(Customer)
        expected = [c.id for c in db.session.scalars(stmt.order_by(Customer.name, Customer.id))]
        pages = _walk(app, stmt, (asc(Customer.name), asc(Customer.id)), per_page)
        assert [c.id for p in pages for c in p.items] == expected
        assert [p.page for p in pages] == list(range(1, len(pages) + 1))
        assert all(p.total == len(expected) for p in pages)
        assert pages[0].has_prev is False and pages[-1].has_next is False
        # Back from the last page, one page at a time, to the first.
        back, page = [], pages[-1]
        while page.has_prev:
            with app.test_request_context(query_string=page.prev_args):
                page = keyset(stmt, asc(Customer.name), asc(Customer.id), per_page=per_page)
            back.append([c.id for c in page.items])
        assert back == [[c.id for c in p.items] for p in reversed(pages[:-1])]


def test_descending_dates_and_mixed_directions(app, world, factory):
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    buyer = world.customer_user
    customer = buyer.customer
    for n in range(17):
        db.session.add(
            Order(
                school_id=world.school.id, customer_id=customer.id, created_by_id=buyer.id,
                title=f"Demande {n}", created_at=start + timedelta(hours=n // 3),
            )
        )  # fmt: skip
    db.session.commit()
    with scoped_to(db.session, world.school.id):
        stmt = sa.select(Order).where(Order.customer_id == customer.id)
        newest = [o.id for o in db.session.scalars(stmt.order_by(Order.created_at.desc(), Order.id.desc()))]
        pages = _walk(app, stmt, (desc(Order.created_at), desc(Order.id)), 4)
        assert [o.id for p in pages for o in p.items] == newest
        mixed = [o.id for o in db.session.scalars(stmt.order_by(Order.created_at.desc(), Order.id.asc()))]
        pages = _walk(app, stmt, (desc(Order.created_at), asc(Order.id)), 4)
        assert [o.id for p in pages for o in p.items] == mixed


@pytest.mark.parametrize("cursor", ["", "%%%", "W10", "WyJ4Il0", "a" * 3000, "WyJ0IiwiMDAwMSJd"])
def test_a_cursor_that_does_not_decode_is_the_first_page(app, world, factory, cursor):
    for n in range(5):
        factory.customer(world.school, name=f"Client {n}")
    db.session.commit()
    with (
        scoped_to(db.session, world.school.id),
        app.test_request_context(query_string={"after": cursor, "page": "9"}),
    ):
        page = keyset(sa.select(Customer), asc(Customer.name), asc(Customer.id), per_page=2)
    assert [c.name for c in page.items] == ["Client 0", "Client 1"] and page.page == 1


def test_rows_added_before_the_cursor_do_not_shift_the_next_page(app, world, factory):
    for n in range(6):
        factory.customer(world.school, name=f"M{n}")
    db.session.commit()
    with scoped_to(db.session, world.school.id):
        stmt, keys = sa.select(Customer), (asc(Customer.name), asc(Customer.id))
        with app.test_request_context():
            first = keyset(stmt, *keys, per_page=3)
        factory.customer(world.school, name="A-nouveau")  # sorts first
        db.session.commit()
        with app.test_request_context(query_string=first.next_args):
            second = keyset(stmt, *keys, per_page=3)
    assert [c.name for c in second.items] == ["M3", "M4", "M5"]
