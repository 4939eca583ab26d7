"""Every list an administrator sees, as CSV or XLSX with the page's filters: all the rows (not
one page), read back; texts that look like formulas stay texts; a customer's export holds
its company's rows only; another school's administrator gets none of this school's."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ecoprod.customers.models import Customer
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing import services as invoicing
from ecoprod.invoicing.models import Invoice, PaymentMethod
from ecoprod.students.models import Student
from ecoprod.tenancy import scoped_to
from tests.conftest import login_as
from tests.factories.invoicing import drafts

FORMULA = '=HYPERLINK("http://evil.example","clic")'


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def _xlsx(response) -> list[tuple]:
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [tuple(c.value for c in row) for row in sheet.iter_rows()]


@pytest.fixture
def issued(world):
    """Three issued invoices of the world's company (named like a formula), one paid; 30 more
    drafts than a page holds would not change the export: every row is in it."""
    customer = db.session.get(Customer, world.company.id)
    customer.name = FORMULA
    db.session.commit()
    ids = drafts(world, 3)
    with scoped_to(db.session, world.school.id):
        invoices = [invoicing.issue(db.session.get(Invoice, i), world.admin) for i in ids]
        invoicing.record_payment(
            invoices[0], local_today(), Decimal("54.00"), PaymentMethod.TRANSFER, "VIR 1", world.admin
        )
        db.session.commit()
    return invoices


def test_the_invoice_list_exports_its_filtered_rows_in_both_formats(client, world, issued):
    login_as(client, world.admin)
    rows = _csv(client.get("/invoices?tab=unpaid&export=csv"))
    assert rows[0][:3] == ["Numéro", "Type", "État"]
    numbers = sorted(r[0] for r in rows[1:])
    assert numbers == sorted(i.number for i in issued[1:])  # the tab's filter: the unpaid two
    assert all(r[3] == "'" + FORMULA for r in rows[1:])  # neutralised in CSV
    assert rows[1][8] == "54,00"  # amounts the French way

    table = _xlsx(client.get("/invoices?tab=unpaid&export=xlsx"))
    assert table[0][0] == "Numéro" and len(table) == 3
    sheet = load_workbook(io.BytesIO(client.get("/invoices?export=xlsx").data)).active
    customer_cells = [row[3] for row in sheet.iter_rows(min_row=2)]
    assert len(customer_cells) == 3
    assert all(c.value == FORMULA and c.data_type == "s" for c in customer_cells)  # a text, not a formula
    totals = [row[8].value for row in sheet.iter_rows(min_row=2)]
    assert totals == [54, 54, 54]  # numbers, summable
    assert isinstance(sheet.cell(row=2, column=5).value, date)


def test_a_customer_exports_its_own_invoices_only(client, world, issued):
    login_as(client, world.customer_user)
    rows = _csv(client.get("/invoices?export=csv"))
    assert sorted(r[0] for r in rows[1:]) == sorted(i.number for i in issued)
    login_as(client, world.rival_user)
    assert _csv(client.get("/invoices?export=csv"))[1:] == []
    assert client.get("/admin/customers/?export=csv").status_code == 403


def test_customers_students_requests_and_quotes_lists_export(client, world, issued):
    login_as(client, world.admin)
    customers = _csv(client.get("/admin/customers/?export=csv"))
    assert {"'" + FORMULA, world.rival.name} <= {r[0] for r in customers[1:]}
    student = Student(
        school_id=world.school.id,
        first_name="Inès",
        last_name="Zéphyrine",
        birth_date=date(2010, 3, 4),
        trade="usinage",
    )
    db.session.add(student)
    db.session.commit()
    students = _xlsx(client.get("/admin/students/?q=Zéphyrine&export=xlsx"))
    assert len(students) == 2  # the search's one
    assert students[1][:2] == ("Zéphyrine", "Inès") and students[1][2].date() == date(2010, 3, 4)

    requests = _csv(client.get(f"/requests?q={world.submitted.number}&export=csv"))
    assert [r[0] for r in requests[1:]] == [world.submitted.number]
    quotes = _csv(client.get("/quotes?export=csv"))
    assert quotes[0][0] == "Devis"

    login_as(client, world.other_admin)  # another school: none of school A's rows
    theirs = {r[0] for r in _csv(client.get("/admin/customers/?export=csv"))[1:]}
    assert world.company_b.name in theirs and not theirs & {"'" + FORMULA, world.rival.name}
    assert all(r[0] != "Zéphyrine" for r in _csv(client.get("/admin/students/?export=csv"))[1:])


def test_payments_of_a_period_export(client, world, issued):
    login_as(client, world.admin)
    today = local_today().isoformat()
    rows = _csv(client.get(f"/exports/payments.csv?start={today}&end={today}"))
    assert rows[0] == ["Reçu le", "Facture", "Client", "Montant", "Moyen", "Référence"]
    assert rows[1][1:] == [issued[0].number, "'" + FORMULA, "54,00", "Virement", "VIR 1"]
    table = _xlsx(client.get(f"/exports/payments.xlsx?start={today}&end={today}"))
    assert table[1][3] == 54
    assert client.get(f"/exports/payments.pdf?start={today}&end={today}").status_code == 404
    assert client.get("/exports/payments.csv?start=x").status_code == 400
    login_as(client, world.customer_user)
    assert client.get(f"/exports/payments.csv?start={today}&end={today}").status_code == 403
