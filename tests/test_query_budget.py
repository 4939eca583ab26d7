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
