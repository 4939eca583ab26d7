"""The report pages, their PDF and XLSX read back, the order page's margins panel and its
material cost form."""

from __future__ import annotations

import io
from decimal import Decimal

import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from ecoprod.extensions import db
from ecoprod.reports.models import MaterialCost
from ecoprod.reports.schoolyear import SchoolYear
from ecoprod.slots import Half
from ecoprod.tenancy import scoped_to
from tests.conftest import login_as, post
from tests.factories import accepted_order, report_world
from tests.factories.reports import _operation, _work


def grow(factory, rw):
    """Another accepted order, worked on by new students, with material bought."""
    world = rw.world
    order = accepted_order(
        factory, world, "Encore", [("labour", "Tournage", "3", "45", "20")], workshop_id=world.machining.id
    )
    with scoped_to(db.session, world.school.id):
        op = _operation(order, world.machining.id, "Tournage", "3")
        for _n in range(3):
            _work(op, factory.student(world.school, world.machining), rw.day, Half.AM, "3", "2")
        db.session.add(
            MaterialCost(
                school_id=world.school.id,
                order_id=order.id,
                label="Acier",
                amount=Decimal("9"),
                spent_on=rw.day,
            )
        )
        db.session.commit()


def test_the_school_report_page_draws_its_charts(client, factory, world):
    rw = report_world(factory, world)
    login_as(client, world.admin)
    page = client.get("/reports/activity").get_data(as_text=True)
    assert page.count('<svg class="bars-chart"') == 4
    assert "Théo Secretnom" in page and "Usinage Alpha" in page
    assert "Bob Bravo" not in page and "Menuiserie Bravo" not in page
    assert SchoolYear.of(rw.day).label in page


def test_the_pdf_and_the_xlsx_read_back(client, factory, world):
    rw = report_world(factory, world)
    year = SchoolYear.of(rw.day)
    login_as(client, world.admin)
    pdf = client.get(f"/reports/activity.pdf?year={year.start_year}")
    assert pdf.mimetype == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Théo Secretnom" in text and year.label in text and "14,75" in text

    xlsx = client.get(f"/reports/activity.xlsx?year={year.start_year}")
    book = load_workbook(io.BytesIO(xlsx.data))
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert summary["Heures pointées"] == 14.75
    students = list(book.worksheets[3].iter_rows(values_only=True))
    assert ("Théo Secretnom", "Usinage", 7.25, 1) in students


def test_the_network_report_names_no_student(client, factory, world):
    rw = report_world(factory, world)
    login_as(client, world.operator)
    page = client.get("/platform/reports").get_data(as_text=True)
    assert "École Alpha" in page and "École Bravo" in page and page.count('<svg class="bars-chart"') == 2
    xlsx = client.get(f"/platform/reports.xlsx?year={SchoolYear.of(rw.day).start_year}")
    cells = [
        str(v)
        for ws in load_workbook(io.BytesIO(xlsx.data)).worksheets
        for r in ws.iter_rows(values_only=True)
        for v in r
    ]
    pdf = client.get("/platform/reports.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    for name in ("Secretnom", "Théo", "Majeure", "Adèle", "Bob Bravo", "Usinage Alpha"):
        assert name not in page and name not in text and not any(name in c for c in cells)
    assert "21,75" in text


def test_the_margin_panel_is_for_staff_and_records_costs(client, factory, world):
    rw = report_world(factory, world)
    url = f"/requests/{rw.open_order.id}"
    login_as(client, world.customer_user)
    assert 'id="margins"' not in client.get(url).get_data(as_text=True)
    login_as(client, world.master)
    page = client.get(url).get_data(as_text=True)
    assert 'id="margins"' in page and "162,80" in page

    count = db.session.scalar(sa.select(sa.func.count()).select_from(MaterialCost))
    bad = post(
        client,
        f"{url}/material-costs",
        {"cost-label": "Peinture", "cost-amount": "-3", "cost-spent_on": rw.day.isoformat()},
    )
    assert bad.status_code == 400
    assert 'id="cost-amount-error"' in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MaterialCost)) == count

    good = post(
        client,
        f"{url}/material-costs",
        {"cost-label": "Peinture", "cost-amount": "20,10", "cost-spent_on": rw.day.isoformat()},
    )
    assert good.status_code == 302
    cost = db.session.scalars(sa.select(MaterialCost).where(MaterialCost.label == "Peinture")).one()
    assert cost.amount == Decimal("20.10") and cost.workshop_id is None
    assert "182,90" in client.get(url).get_data(as_text=True)
    cost_id = cost.id
    assert post(client, f"{url}/material-costs/{cost_id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.scalars(sa.select(MaterialCost).where(MaterialCost.id == cost_id)).first() is None


def test_the_report_pages_ask_a_constant_number_of_statements(client, factory, world, count_queries):
    """More rows, the same statements: every figure is one aggregate."""
    rw = report_world(factory, world)
    login_as(client, world.admin)
    client.get("/reports/activity")
    with count_queries() as small:
        client.get("/reports/activity")
    grow(factory, rw)
    with count_queries() as large:
        client.get("/reports/activity")
    assert large.count == small.count
    login_as(client, world.operator)
    client.get("/platform/reports")
    with count_queries() as network:
        client.get("/platform/reports")
    assert network.count <= small.count
