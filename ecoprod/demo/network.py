"""The network's data set (``flask seed network``): many schools, each with its workshops,
masters, students and customers, and years of work from request to payment.

One school at a time: its people through the ORM, then its orders' rows
(``demo.network_flow``) in bulk, in one transaction per school. The seed must be the only
writer of the database while it runs (it gives the ids itself and moves the sequences on).
Issued documents carry no PDF: rendering three years of them would take days of CPU; the
quotes still awaiting an answer are left for the job queue to render, as after sending.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from ecoprod.accounts.models import Role, User
from ecoprod.accounts.services import hash_password
from ecoprod.customers.models import Customer, PaymentTerms
from ecoprod.database import Address
from ecoprod.demo import identifiers as ids
from ecoprod.demo.data.reference import DEMO_PASSWORD, FIRST_NAMES, LAST_NAMES, SCHOOLS
from ecoprod.demo.network_flow import school_rows
from ecoprod.demo.network_rows import TABLES, SchoolContext
from ecoprod.demo.planning import demo_calendar
from ecoprod.demo.requests import make_school, make_user
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing import day_figures
from ecoprod.numbering import SequenceCounter
from ecoprod.quotes.models import PdfStatus, Quote, QuoteState
from ecoprod.schools.models import School
from ecoprod.students.models import Student
from ecoprod.tenancy import scoped_to
from ecoprod.workshops.models import Workshop

CITIES = [
    ("69007", "Lyon"),
    ("59000", "Lille"),
    ("13002", "Marseille"),
    ("31000", "Toulouse"),
    ("44000", "Nantes"),
    ("67000", "Strasbourg"),
    ("33000", "Bordeaux"),
    ("35000", "Rennes"),
]
TERMS = [PaymentTerms.NET_30, PaymentTerms.NET_30, PaymentTerms.NET_45_EOM, PaymentTerms.ON_RECEIPT]


def network_slug(n: int) -> str:
    return f"reseau-{n:02d}"


def seed_network(
    school_count: int,
    years: int,
    orders_per_school: int = 5000,
    customers_per_school: int = 150,
    progress: Callable[[int], None] | None = None,
) -> str:
    """``school_count`` schools with ``years`` of work each; what to tell the person who asked."""
    if db.session.scalar(sa.select(School.id).where(School.slug == network_slug(1))):
        raise ValueError(f"the network is already seeded (school '{network_slug(1)}' exists)")
    password_hash = hash_password(DEMO_PASSWORD)
    today = local_today()
    operator = "operator@ecoprod.example.com"
    if not db.session.scalar(
        sa.select(User.id).where(User.email == operator).execution_options(all_schools=True)
    ):
        make_user(None, operator, "Opérateur de la plateforme", Role.OPERATOR, password_hash)
    for n in range(1, school_count + 1):
        school_id, ctx = _school(n, password_hash, customers_per_school, today)
        rows = school_rows(ctx, orders_per_school, years)
        with scoped_to(db.session, school_id):
            _insert(rows)
            _counters(school_id, rows.counters)
        db.session.commit()
        if progress:
            progress(1)
    _move_sequences()
    day_figures.materialise_every_school()  # the dashboard's closed days, as the worker would
    db.session.remove()
    # After a bulk load: the planner's statistics, and on PostgreSQL the visibility map too,
    # without which no index-only scan pays (the unpaid invoices: 95 ms before, 7 ms after).
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE" if connection.dialect.name == "postgresql" else "ANALYZE")
    return (
        f"{school_count} schools × {orders_per_school} orders over {years} years. Logins (password "
        f"{DEMO_PASSWORD}): admin@{network_slug(1)}.example.com, usinage@{network_slug(1)}.example.com, "
        f"client0001@{network_slug(1)}.example.com (and so on for each school), operator@ecoprod.example.com."
    )


def _school(n: int, password_hash: str, customer_count: int, today: date) -> tuple[int, SchoolContext]:
    rng = random.Random(8000 + n)
    base = SCHOOLS[(n - 1) % len(SCHOOLS)]  # reseau-01 is shaped like the demo's first school
    slug = network_slug(n)
    postal_code, city = CITIES[n % len(CITIES)]
    spec = dict(
        base,
        slug=slug,
        name=f"École de Production {city} {n:02d}",
        seed=7100000 + n,
        email=f"contact@{slug}.example.com",
        address=Address(f"{n} rue des Ateliers", None, postal_code, city, "FR"),
    )
    school = make_school(spec)
    admin = make_user(
        school, f"admin@{slug}.example.com", f"Direction {city} {n:02d}", Role.ADMIN, password_hash
    )
    workshops = []
    for ws_name, trade, rate, (email, master_name), _machines in base["workshops"]:
        workshop = Workshop(school_id=school.id, name=ws_name, trade=trade, hourly_rate=Decimal(rate))
        master = make_user(school, email.replace(base["slug"], slug), master_name, Role.MASTER, password_hash)
        workshop.masters = [master]
        db.session.add(workshop)
        workshops.append((workshop, master))
    demo_calendar(school, today)
    db.session.flush()
    now = datetime.now(UTC)
    students: dict[int, list[int]] = {}
    for k in range(rng.randint(30, 60)):
        workshop, master = workshops[k % len(workshops)]
        student = Student(
            school_id=school.id,
            first_name=FIRST_NAMES[rng.randrange(len(FIRST_NAMES))],
            last_name=LAST_NAMES[rng.randrange(len(LAST_NAMES))],
            birth_date=today - timedelta(days=rng.randint(15 * 365 + 30, 18 * 365)),
            trade=workshop.trade,
            training_year=1 + k % 3,
            workshop_id=workshop.id,
            level=1 + k % 4,
            supervisor_id=master.id,
        )
        db.session.add(student)
        db.session.flush()
        students.setdefault(workshop.id, []).append(student.id)
    customer_rows = [
        {
            "school_id": school.id,
            "name": f"{rng.choice(['Mécanique', 'Ateliers', 'Industries', 'Tôlerie'])} "
            f"{LAST_NAMES[k % len(LAST_NAMES)]} {k:04d}",
            "siren": ids.siren(6000000 + n * 1000 + k),
            "siret": ids.siret(6000000 + n * 1000 + k),
            "billing_line1": f"{k} avenue de l'Industrie",
            "billing_postal_code": postal_code,
            "billing_city": city,
            "billing_country": "FR",
            "payment_terms": TERMS[k % len(TERMS)],
            "language": "fr",
            "created_at": now,
            "updated_at": now,
        }
        for k in range(1, customer_count + 1)
    ]
    customer_ids = list(
        db.session.execute(
            sa.insert(Customer.__table__).returning(Customer.__table__.c.id, sort_by_parameter_order=True),
            customer_rows,
        ).scalars()
    )
    buyers = [
        make_user(
            school,
            f"client{k:04d}@{slug}.example.com",
            f"Acheteur {k:04d}",
            Role.CUSTOMER,
            password_hash,
            customer_id=customer_id,
        )
        for k, customer_id in enumerate(customer_ids, start=1)
    ]
    db.session.flush()
    ctx = SchoolContext(
        school_id=school.id,
        prefixes={
            "request": school.request_prefix,
            "quote": school.quote_prefix,
            "delivery": school.delivery_prefix,
            "invoice": school.invoice_prefix,
            "credit_note": school.credit_note_prefix,
        },
        admin_id=admin.id,
        workshops=[(w.id, w.trade, w.hourly_rate, m.id) for w, m in workshops],
        students=students,
        customers=[
            (customer_id, buyer.id, row["name"], row["payment_terms"])
            for customer_id, buyer, row in zip(customer_ids, buyers, customer_rows, strict=True)
        ],
        half_day_hours=school.half_day_hours,
        next_ids=_next_ids(),
        today=today,
        rng=rng,
    )
    return school.id, ctx


def _table(name: str) -> sa.Table:
    return db.metadata.tables[name]


def _next_ids() -> dict[str, int]:
    found = {}
    for name in TABLES:
        table = _table(name)
        if "id" in table.c:
            found[name] = (db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1
    return found


def _insert(rows) -> None:
    for name in TABLES:
        batch = rows.tables.get(name)
        if not batch:
            continue
        keys = sorted({key for row in batch for key in row if not key.startswith("_")})
        clean = [{key: row.get(key) for key in keys} for row in batch]
        if name == "invoices":  # issued once their lines are in: the triggers freeze a numbered invoice
            clean = [dict(row, number=None) for row in clean]
        for start in range(0, len(clean), 5000):
            db.session.execute(sa.insert(_table(name)), clean[start : start + 5000])
    invoices = _table("invoices")
    numbers = [{"b_id": row["id"], "b_number": row["number"]} for row in rows.tables.get("invoices", [])]
    if numbers:
        db.session.execute(
            sa.update(invoices)
            .where(invoices.c.id == sa.bindparam("b_id"))
            .values(number=sa.bindparam("b_number")),
            numbers,
        )
    if rows.invoice_updates:
        db.session.execute(
            sa.update(invoices)
            .where(invoices.c.id == sa.bindparam("b_id"))
            .values(deducted_in_id=sa.bindparam("b_deducted")),
            rows.invoice_updates,
        )
    # The quotes still awaiting an answer are rendered by the job queue, as after sending.
    db.session.execute(
        sa.update(Quote)
        .where(Quote.state == QuoteState.SENT, Quote.pdf_status == PdfStatus.NONE)
        .values(pdf_status=PdfStatus.PENDING)
        .execution_options(synchronize_session=False)
    )


def _counters(school_id: int, counters: dict[tuple[str, int], int]) -> None:
    for (series, year), value in counters.items():
        db.session.add(SequenceCounter(school_id=school_id, series=series, year=year, last_value=value))


def _move_sequences() -> None:
    """Ids were given by the seed: PostgreSQL's sequences start after them."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.begin() as connection:
        for name in TABLES:
            if "id" in _table(name).c:
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - our table names
                    f"coalesce((SELECT max(id) FROM {name}), 1))"
                )
