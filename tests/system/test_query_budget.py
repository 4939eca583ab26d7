"""Lists run a constant number of SQL statements, whatever the number of rows."""

import pytest

from ecoprod.orders.models import OrderState
from ecoprod.workshops.models import Trade
from tests.conftest import login_as

BUDGET = 6


def statements_for(client, url, count_queries):
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("customer_user", "/requests"),
        ("master", "/inbox"),
        ("admin", "/inbox"),
        ("admin", "/requests"),
        ("admin", "/admin/customers/"),
        ("admin", "/admin/students/"),
        ("admin", "/admin/workshops/"),
        ("admin", "/admin/users"),
    ],
)
def test_list_pages_stay_within_budget_as_rows_grow(world, factory, client, count_queries, who, url):
    login_as(client, getattr(world, who))
    small = statements_for(client, url, count_queries)
    for _ in range(12):
        factory.order(world.customer_user, trade=Trade.MACHINING)
        factory.order(world.customer_user, state=OrderState.DRAFT)
        factory.customer(world.school)
        factory.student(world.school, world.machining)
    large = statements_for(client, url, count_queries)
    assert large == small, f"{url}: {small} statements with few rows, {large} with more"
    assert large <= BUDGET, f"{url}: {large} statements"


def test_invoice_lists_stay_constant_as_invoices_grow(world, client, count_queries):
    """Drafts show totals from their lines, overdue rows their customer: no query per row."""
    from datetime import timedelta

    from ecoprod.extensions import db
    from ecoprod.i18n import local_today
    from ecoprod.invoicing import services
    from ecoprod.invoicing.models import Invoice
    from ecoprod.tenancy import scoped_to
    from tests.factories import drafts

    login_as(client, world.admin)
    later = local_today() + timedelta(days=90)

    def add(count):
        with scoped_to(db.session, world.school.id):
            ids = drafts(world, count)
            for invoice_id in ids[: count // 2]:  # half issued: overdue 90 days on
                services.issue(db.session.get(Invoice, invoice_id), world.admin)
            db.session.commit()

    def overdue_statements():
        db.session.expire_all()
        with scoped_to(db.session, world.school.id), count_queries() as counter:
            rows = [(invoice.customer.name, days) for invoice, days in services.overdue(later)]
        assert rows
        return counter.count

    add(2)
    small = [statements_for(client, url, count_queries) for url in ("/invoices?tab=drafts", "/invoices")]
    small.append(overdue_statements())
    add(8)
    large = [statements_for(client, url, count_queries) for url in ("/invoices?tab=drafts", "/invoices")]
    large.append(overdue_statements())
    assert large == small
