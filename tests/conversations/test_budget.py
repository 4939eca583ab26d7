"""The conversation costs a constant number of SQL statements, whatever its length: on the
order page (messages, their authors and files, the read mark) and in the lists (the unread
counts of a page of orders, one statement)."""

from __future__ import annotations

import pytest

from ecoprod.accounts.models import Role
from ecoprod.conversations import services
from ecoprod.extensions import db
from ecoprod.tenancy import scoped_to
from tests.conftest import login_as
from tests.factories import pdf_file


def statements(client, url, count_queries) -> int:
    db.session.expire_all()
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    response.close()
    return counter.count


def chat(world, authors, n: int) -> None:
    with scoped_to(db.session, world.school.id):
        for i in range(n):
            for author in authors:
                services.post(
                    world.submitted,
                    author,
                    services.MessageInput(
                        f"Message {i}", internal=author.is_staff and i % 2 == 1, files=(pdf_file(),)
                    ),
                )
                services.post(world.submitted_with_drawing, author, services.MessageInput(f"Autre {i}"))
        db.session.commit()


@pytest.mark.parametrize("who", ["customer_user", "master", "admin"])
def test_the_order_page_and_the_lists_are_constant_as_the_conversation_grows(
    app, factory, world, count_queries, who
):
    colleague = factory.user(world.school, Role.CUSTOMER, customer=world.company)
    authors = [world.customer_user, colleague, world.master, world.admin]
    reader = getattr(world, who)
    client = login_as(app.test_client(), reader)
    urls = [f"/requests/{world.submitted.id}", f"/requests/{world.submitted.id}/messages", "/requests"]
    if reader.is_staff:
        urls.append("/inbox")
    chat(world, authors, 1)
    small = {url: statements(client, url, count_queries) for url in urls}
    chat(world, authors, 6)
    large = {url: statements(client, url, count_queries) for url in urls}
    assert large == small
