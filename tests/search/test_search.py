"""One search box: requests, quotes, invoices for everyone who may see them; customers and
students for administrators only; a customer finds its company's documents only, another
school finds nothing of this one's, and no student's name ever reaches a customer."""

from __future__ import annotations

import pytest

from ecoprod.extensions import db
from ecoprod.invoicing import services as invoicing
from ecoprod.invoicing.models import Invoice
from ecoprod.tenancy import scoped_to
from tests.conftest import login_as
from tests.factories.invoicing import drafts


@pytest.fixture
def invoice(world):
    [draft] = drafts(world, 1)
    with scoped_to(db.session, world.school.id):
        issued = invoicing.issue(db.session.get(Invoice, draft), world.admin)
        db.session.commit()
    return issued


def _page(client, q: str) -> str:
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_administrator_finds_each_kind_grouped(client, world, invoice):
    login_as(client, world.admin)
    page = _page(client, invoice.number)
    assert "<h2" in page and "Factures" in page and f'/invoices/{invoice.id}"' in page
    page = _page(client, world.submitted.number)
    assert "Demandes" in page and f'/requests/{world.submitted.id}"' in page
    page = _page(client, world.student.last_name)
    assert "Élèves" in page and world.student.full_name in page
    page = _page(client, world.rival.name)
    assert "Clients" in page and f"/admin/customers/{world.rival.id}" in page
    assert "Aucun résultat pour" in _page(client, "zzzz-introuvable")


def test_a_customer_finds_its_own_documents_and_no_student(client, world, invoice):
    login_as(client, world.customer_user)
    page = _page(client, invoice.number)
    assert f'/invoices/{invoice.id}"' in page
    page = _page(client, world.student.last_name)
    assert world.student.full_name not in page and "Élèves" not in page
    login_as(client, world.rival_user)
    assert f'/invoices/{invoice.id}"' not in _page(client, invoice.number)
    assert f'/requests/{world.submitted.id}"' not in _page(client, world.submitted.number)


def test_another_school_finds_nothing_of_this_one(client, world, invoice):
    login_as(client, world.other_admin)
    assert f'/invoices/{invoice.id}"' not in _page(client, invoice.number)
    assert world.student.full_name not in _page(client, world.student.last_name)


def test_many_results_link_to_the_list(client, world):
    with scoped_to(db.session, world.school.id):
        ids = drafts(world, 10)
        for i in ids:
            invoicing.issue(db.session.get(Invoice, i), world.admin)
        db.session.commit()
    login_as(client, world.admin)
    page = _page(client, "FA-")
    assert page.count('href="/invoices/') == 8 and "/invoices?q=FA-" in page
