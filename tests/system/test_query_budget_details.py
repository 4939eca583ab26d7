"""Detail pages and editors run a constant number of SQL statements, whatever the number of
rows they show (issue 9, after ``test_query_budget_pages.py``): a quote, its editor and the
quotes list, a delivery note and the delivery form, a workshop and its form, the invoice
draft editor, the request editor, a student's tasks, the register of minors, the planning
forms and the admin editors. Rows are made directly (no PDF), a few then more; the count
must not move, and stays under ``CEILING``."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal

from ecoprod.accounts.models import Role
from ecoprod.database import utcnow
from ecoprod.delivery.models import DeliveryLine, DeliveryNote
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing import services as invoicing
from ecoprod.invoicing.models import Invoice, InvoiceKind, InvoiceLine
from ecoprod.minors.models import MedicalOpinion
from ecoprod.orders.models import Attachment, OrderLine, OrderState, Unit
from ecoprod.planning.models import CalendarEvent, CalendarKind, Competence, Operation, OperationKind
from ecoprod.pricing.models import LineKind
from ecoprod.quotes import services as quotes
from ecoprod.quotes.models import PdfStatus, Quote, QuoteLine, QuoteState
from ecoprod.schools.models import VatRate
from ecoprod.tenancy import scoped_to
from ecoprod.workshops.models import Trade
from tests.conftest import login_as
from tests.factories import accepted_order, plan_world
from tests.system.test_query_budget_pages import add_deliveries, add_invoices, add_work, statements

CEILING = 20  # statements of any one of these pages, whatever its rows

_seq = {"n": 0}


def _n() -> int:
    _seq["n"] += 1
    return _seq["n"]


def measure(pages, count_queries) -> dict[str, int]:
    """``pages``: (label, client, url); the statements of each."""
    return {label: statements(client, url, count_queries) for label, client, url in pages}


def assert_constant(small: dict[str, int], large: dict[str, int]) -> None:
    moved = {page: (small[page], large[page]) for page in small if small[page] != large[page]}
    assert not moved, f"statements (few rows, more rows): {moved}"
    over = {page: count for page, count in large.items() if count > CEILING}
    assert not over, f"over {CEILING} statements: {over}"


def priced_line(cls, world, count: int, **owner):
    return [
        cls(
            school_id=world.school.id,
            position=100 + _n(),
            kind=LineKind.LABOUR,
            description=f"Usinage {_n()}",
            workshop_id=world.machining.id,
            unit=Unit.HOUR,
            quantity=Decimal("1"),
            unit_price=Decimal("45"),
            vat_rate=Decimal("20"),
            **owner,
        )
        for _ in range(count)
    ]


def add_quote(world, order, version: int, state: QuoteState, lines: int) -> Quote:
    sent = state is not QuoteState.DRAFT
    quote = Quote(
        school_id=order.school_id,
        order_id=order.id,
        customer_id=order.customer_id,
        created_by_id=world.master.id,
        base_number=f"DEV-T-{order.id:05d}" if sent else None,
        version=version,
        state=state,
        issue_date=local_today() if sent else None,
        valid_until=local_today() + timedelta(days=30),
        sent_at=utcnow() if sent else None,
        sent_by_id=world.master.id if sent else None,
        pdf_status=PdfStatus.READY if sent else PdfStatus.NONE,
        total_net=Decimal("45") if sent else None,
        total_vat=Decimal("9") if sent else None,
        total_gross=Decimal("54") if sent else None,
    )
    db.session.add(quote)
    db.session.flush()
    db.session.add_all(priced_line(QuoteLine, world, lines, quote_id=quote.id))
    db.session.commit()
    return quote


def add_order_lines(order, count: int) -> list[OrderLine]:
    lines = [
        OrderLine(
            school_id=order.school_id,
            order_id=order.id,
            position=100 + _n(),
            description=f"Pièce {_n()}",
            quantity=Decimal("10"),
            unit=Unit.PIECE,
            trade=Trade.MACHINING,
        )
        for _ in range(count)
    ]
    db.session.add_all(lines)
    db.session.commit()
    return lines


def add_choices(factory, world, count: int) -> None:
    """More workshops and VAT rates: more choices in the selects of the editors."""
    for _ in range(count):
        factory.workshop(world.school, Trade.METALWORK, name=f"Atelier {_n()}")
        db.session.add(VatRate(school_id=world.school.id, rate=Decimal(f"{50 + _n() / 100:.2f}")))
    db.session.commit()


def test_the_quote_pages_and_the_quotes_list_are_constant(app, factory, world, count_queries):
    """Lines and versions of the quote shown; quotes (drafts and sent) on the list."""
    order = factory.order(world.customer_user, title="Devis budget")
    old = add_quote(world, order, 1, QuoteState.SUPERSEDED, 2)
    current = add_quote(world, order, 500, QuoteState.SENT, 2)
    admin = login_as(app.test_client(), world.admin)
    master = login_as(app.test_client(), world.master)
    customer = login_as(app.test_client(), world.customer_user)
    pages = [
        (f"{who} {url}", client, url)
        for who, client in (("admin", admin), ("master", master), ("customer", customer))
        for url in (f"/quotes/{current.id}", f"/quotes/{old.id}", "/quotes", "/quotes?q=Devis")
    ] + [(f"admin {url}", admin, url) for url in ("/quotes?tab=drafts", "/quotes?tab=closed")]

    def more(n: int) -> None:
        for quote in (old, current):
            db.session.add_all(priced_line(QuoteLine, world, n, quote_id=quote.id))
        db.session.commit()
        for _ in range(n):
            add_quote(world, order, 1 + _n(), QuoteState.SUPERSEDED, 2)  # more versions
            other = factory.order(world.customer_user, title=f"Devis autre {_n()}")
            add_quote(world, other, 1, QuoteState.SENT, 1)
            add_quote(world, other, 2, QuoteState.DRAFT, 1)

    more(2)
    small = measure(pages, count_queries)
    more(8)
    assert_constant(small, measure(pages, count_queries))


def test_the_quote_editor_is_constant(app, factory, world, count_queries):
    """Lines of the draft, and the workshops and VAT rates offered on each line."""
    with scoped_to(db.session, world.school.id):
        draft = quotes.start_quote(world.submitted, world.master)
        db.session.commit()
    db.session.add_all(priced_line(QuoteLine, world, 2, quote_id=draft.id))
    db.session.commit()
    url = f"/quotes/{draft.id}/edit"
    pages = [
        (f"{who} {url}", login_as(app.test_client(), getattr(world, who)), url) for who in ("admin", "master")
    ]
    small = measure(pages, count_queries)
    db.session.add_all(priced_line(QuoteLine, world, 10, quote_id=draft.id))
    db.session.commit()
    add_choices(factory, world, 5)
    assert_constant(small, measure(pages, count_queries))


def test_the_delivery_note_and_the_delivery_form_are_constant(app, factory, world, count_queries):
    """Lines of the note (one per order line), and notes already issued for the order."""
    order = accepted_order(
        factory,
        world,
        "Livraison budget",
        [("labour", "Usinage", "4", "45", "20")],
        state=OrderState.IN_PRODUCTION,
    )
    add_order_lines(order, 1)
    note = DeliveryNote(
        school_id=order.school_id,
        order_id=order.id,
        customer_id=order.customer_id,
        number=f"BL-T-{_n():04d}",
        issue_date=local_today(),
        created_by_id=world.admin.id,
    )
    db.session.add(note)
    db.session.commit()

    def deliver(lines) -> None:
        for line in lines:
            note.lines.append(
                DeliveryLine(
                    school_id=order.school_id,
                    order_line_id=line.id,
                    position=_n(),
                    description=line.description,
                    unit=line.unit,
                    ordered=line.quantity,
                    quantity=Decimal("0.001"),
                    remaining=line.quantity,
                )
            )
        db.session.commit()

    deliver(order.lines)
    admin = login_as(app.test_client(), world.admin)
    customer = login_as(app.test_client(), world.customer_user)
    pages = [
        ("admin note", admin, f"/deliveries/{note.id}"),
        ("customer note", customer, f"/deliveries/{note.id}"),
        ("admin form", admin, f"/requests/{order.id}/deliveries/new"),
    ]
    small = measure(pages, count_queries)
    deliver(add_order_lines(order, 10))
    add_deliveries(world, db.session.get(type(order), order.id), 3)
    assert_constant(small, measure(pages, count_queries))


def test_the_workshop_page_and_form_are_constant(app, factory, world, count_queries):
    """Machines, masters and students of the workshop."""
    admin = login_as(app.test_client(), world.admin)
    pages = [
        ("detail", admin, f"/admin/workshops/{world.machining.id}"),
        ("form", admin, f"/admin/workshops/{world.machining.id}/edit"),
    ]

    def more(n: int) -> None:
        for _ in range(n):
            factory.machine(world.machining, regulated=bool(_n() % 2))
            factory.user(world.school, Role.MASTER, workshops=(world.machining,))
            factory.student(world.school, world.machining)

    more(2)
    small = measure(pages, count_queries)
    more(8)
    assert_constant(small, measure(pages, count_queries))


def test_the_invoice_draft_editor_is_constant(app, factory, world, count_queries):
    """Lines and orders of a grouped draft, lines of a credit note, workshops and rates offered."""
    billed = accepted_order(
        factory, world, "Facture budget", [("labour", "Usinage", "4", "45", "20")], state=OrderState.DELIVERED
    )
    [issued] = add_invoices(world, billed, 1)
    with scoped_to(db.session, world.school.id):
        invoicing.issue(issued, world.admin)
        credit = invoicing.draft_credit_note(issued, world.admin)
        db.session.commit()
    draft = Invoice(
        school_id=world.school.id,
        kind=InvoiceKind.INVOICE,
        customer_id=world.company.id,
        created_by_id=world.admin.id,
        language="fr",
    )
    db.session.add(draft)
    db.session.flush()

    def more(n: int) -> None:
        for invoice in (draft, credit):
            db.session.add_all(priced_line(InvoiceLine, world, n, invoice_id=invoice.id))
        grouped = [factory.order(world.customer_user, title=f"Groupée {_n()}") for _ in range(n)]
        draft.orders.extend(grouped)
        db.session.commit()

    more(2)
    admin = login_as(app.test_client(), world.admin)
    pages = [
        (label, admin, f"/invoices/{i.id}/edit") for label, i in (("draft", draft), ("credit note", credit))
    ]
    small = measure(pages, count_queries)
    more(10)
    add_choices(factory, world, 5)
    assert_constant(small, measure(pages, count_queries))


def test_the_request_editor_is_constant(app, world, count_queries):
    """Lines and drawings of a draft request."""
    order = world.draft
    customer = login_as(app.test_client(), world.customer_user)
    pages = [("editor", customer, f"/requests/{order.id}/edit")]

    def more(n: int) -> None:
        add_order_lines(order, n)
        for _ in range(n):
            stored = hashlib.sha256(str(_n()).encode()).hexdigest()
            db.session.add(
                Attachment(
                    school_id=order.school_id,
                    order_id=order.id,
                    original_name=f"plan-{_n()}.pdf",
                    stored_name=stored,
                    kind="pdf",
                    content_type="application/pdf",
                    size=42,
                    sha256=stored,
                    uploaded_by_id=world.customer_user.id,
                )
            )
        db.session.commit()

    more(2)
    small = measure(pages, count_queries)
    more(10)
    assert_constant(small, measure(pages, count_queries))


def test_planning_forms_my_tasks_and_the_register_of_minors_are_constant(app, factory, world, count_queries):
    """A student's half-days; students, machines and opinions of the register; the choices
    of an operation's form and of an assignment's move; operations left to the autoplan."""
    plan = plan_world(factory, world)
    student = login_as(app.test_client(), plan.student_user)
    master = login_as(app.test_client(), world.master)
    admin = login_as(app.test_client(), world.admin)
    pages = [
        ("my tasks", student, "/my-tasks"),
        ("minors (master)", master, "/minors/"),
        ("minors (admin)", admin, "/minors/"),
        ("operation form", master, f"/operations/{plan.operation.id}/edit"),
        ("move form", master, f"/planning/assignments/{plan.assignment.id}/move"),
        ("autoplan", master, f"/planning/workshops/{world.machining.id}/autoplan"),
    ]

    def more(n: int) -> None:
        add_work(world, plan, plan.order, n)
        for _ in range(n):
            minor = factory.student(
                world.school, world.machining, birth_date=local_today() - timedelta(days=5800)
            )
            db.session.add(
                MedicalOpinion(
                    school_id=world.school.id,
                    student_id=minor.id,
                    given_on=local_today() - timedelta(days=300),
                    valid_until=local_today() + timedelta(days=10),
                )
            )
            factory.machine(world.machining)
            db.session.add(Competence(school_id=world.school.id, code=f"C{_n()}", name="Fraiser"))
            db.session.add(  # left for the automatic planning to place
                Operation(
                    school_id=world.school.id,
                    order_id=plan.order.id,
                    workshop_id=world.machining.id,
                    position=100 + _n(),
                    kind=OperationKind.FINISH,
                    name=f"Finition {_n()}",
                    estimated_hours=Decimal("3.5"),
                )
            )
        db.session.commit()

    more(2)
    small = measure(pages, count_queries)
    more(8)
    assert_constant(small, measure(pages, count_queries))


def test_admin_editors_and_registers_are_constant(app, factory, world, count_queries):
    """The choices of the student, user and customer forms (workshops, masters, customers);
    competences, calendar days, VAT rates; the platform's schools."""
    admin = login_as(app.test_client(), world.admin)
    operator = login_as(app.test_client(), world.operator)
    pages = [
        (label, admin, url)
        for label, url in (
            ("student form", f"/admin/students/{world.student.id}/edit"),
            ("master form", f"/admin/users/{world.master.id}/edit"),
            ("customer user form", f"/admin/users/{world.customer_user.id}/edit"),
            ("customer form", f"/admin/customers/{world.company.id}/edit"),
            ("machine form", f"/admin/workshops/machines/{world.machine.id}/edit"),
            ("competences", "/admin/competences"),
            ("calendar", "/admin/calendar"),
            ("VAT rates", "/admin/vat-rates"),
        )
    ] + [("platform schools", operator, "/platform/schools")]

    def more(n: int) -> None:
        add_choices(factory, world, n)
        for _ in range(n):
            factory.user(world.school, Role.MASTER, workshops=(world.machining,))
            factory.customer(world.school)
            factory.school()
            db.session.add(Competence(school_id=world.school.id, code=f"K{_n()}", name="Souder"))
            day = local_today() + timedelta(days=_n())
            db.session.add(
                CalendarEvent(
                    school_id=world.school.id,
                    kind=CalendarKind.HOLIDAY,
                    label="Pont",
                    start_date=day,
                    end_date=day,
                )
            )
        db.session.commit()

    more(2)
    small = measure(pages, count_queries)
    more(8)
    assert_constant(small, measure(pages, count_queries))
