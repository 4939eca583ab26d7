"""Benchmark data sets, apart from the demo: a large school (``flask seed large``) and its
operations to plan (``flask seed planning``)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from ecoprod.accounts.models import Role
from ecoprod.accounts.services import hash_password
from ecoprod.customers.models import Customer, PaymentTerms
from ecoprod.database import utcnow
from ecoprod.demo import identifiers as ids
from ecoprod.demo.data.planning import ROUTING
from ecoprod.demo.data.reference import DEMO_PASSWORD, SCHOOLS
from ecoprod.demo.planning import demo_calendar
from ecoprod.demo.requests import make_school, make_user
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.minors import services as minors
from ecoprod.numbering import SequenceCounter, format_number
from ecoprod.orders.models import Order, OrderEvent, OrderLine, OrderState, Unit
from ecoprod.planning.models import (
    Operation,
    OperationStatus,
)
from ecoprod.schools.models import School
from ecoprod.students.models import Student
from ecoprod.tenancy import scoped_to
from ecoprod.workshops.models import Machine, Trade, Workshop

BENCH_HOURS = [Decimal("1.75"), Decimal("3.5"), Decimal("3.5"), Decimal("7"), Decimal("10.5")]


def seed_bench_planning(slug: str, operation_count: int, student_count: int, rng_seed: int = 4) -> None:
    """Firm orders split into ``operation_count`` operations, ``student_count`` students with
    their files, one regulated machine per workshop: the auto-planner's load (nothing planned)."""
    import random

    rng = random.Random(rng_seed)
    school = db.session.scalars(sa.select(School).where(School.slug == slug)).one()
    today = local_today()
    now = utcnow()
    with scoped_to(db.session, school.id):
        workshops = list(
            db.session.scalars(
                sa.select(Workshop).where(Workshop.school_id == school.id).order_by(Workshop.id)
            )
        )
        machines = {}
        for workshop in workshops:
            machine = Machine(
                school_id=school.id, workshop=workshop, name=f"Machine {workshop.name}", regulated=True
            )
            db.session.add(machine)
            machines[workshop.id] = machine
        db.session.flush()
        minors.add_declaration(
            school.id,
            today - timedelta(days=100),
            "Machines des ateliers",
            "DDR-BENCH",
            list(machines.values()),
        )
        demo_calendar(school, today)
        student_rows = [
            {
                "school_id": school.id,
                "first_name": f"Élève{n:03d}",
                "last_name": f"Banc{n:03d}",
                "birth_date": today - timedelta(days=rng.randint(15 * 365 + 30, 19 * 365)),
                "trade": workshops[n % len(workshops)].trade,
                "training_year": 1 + n % 3,
                "workshop_id": workshops[n % len(workshops)].id,
                "level": 1 + n % 4,
                "supervisor_id": workshops[n % len(workshops)].masters[0].id,
                "created_at": now,
                "updated_at": now,
            }
            for n in range(student_count)
        ]
        db.session.execute(sa.insert(Student.__table__), student_rows)
        students = db.session.scalars(sa.select(Student).where(Student.school_id == school.id)).all()
        for n, student in enumerate(students):
            if n % 3:  # two students in three have a complete file
                minors.add_medical_opinion(
                    student, today - timedelta(days=30), today + timedelta(days=300), True
                )
                minors.record_training(student, machines[student.workshop_id], today - timedelta(days=20))

        by_trade = {w.trade: w for w in workshops}
        candidates = db.session.scalars(
            sa.select(Order)
            .where(Order.school_id == school.id, Order.state == OrderState.SUBMITTED)
            .order_by(Order.id)
            .options(sa.orm.selectinload(Order.lines))
        ).all()
        rows, remaining = [], operation_count
        for order in candidates:
            if remaining <= 0:
                break
            order.state = OrderState.ACCEPTED
            order.promised_date = today + timedelta(days=rng.randint(14, 84))
            workshop = by_trade[order.lines[0].trade]
            for position in range(1, min(remaining, rng.randint(1, 5)) + 1):
                kind, name, _hours, difficulty, on_machine, _codes = ROUTING[(position - 1) % len(ROUTING)]
                rows.append(
                    {
                        "school_id": school.id,
                        "order_id": order.id,
                        "workshop_id": workshop.id,
                        "position": position,
                        "kind": kind,
                        "name": name,
                        "estimated_hours": rng.choice(BENCH_HOURS),
                        "difficulty": min(difficulty, 1 + rng.randrange(3)),
                        "machine_id": machines[workshop.id].id if on_machine and rng.random() < 0.5 else None,
                        "status": OperationStatus.TODO,
                        "percent_done": 0,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                remaining -= 1
        db.session.execute(sa.insert(Operation.__table__), rows)
        db.session.flush()
    db.session.commit()


def seed_large_school(
    order_count: int, customer_count: int, slug: str, progress: Callable[[int], None] | None = None
) -> str:
    """A large school for benchmarks (orders in every state so far, 1–3 lines each); what to
    tell the person who asked for it."""
    if db.session.scalar(sa.select(School.id).where(School.slug == slug)):
        raise ValueError(f"a school '{slug}' already exists")
    rng = random.Random(10000)
    password_hash = hash_password(DEMO_PASSWORD)
    spec = dict(SCHOOLS[0], slug=slug, name="École de Production Benchmark", seed=9100001)
    school = make_school(spec)
    make_user(school, f"admin@{slug}.example.com", "Admin Benchmark", Role.ADMIN, password_hash)
    workshops = []
    for ws_name, trade, rate, _master, _machines in SCHOOLS[0]["workshops"] + SCHOOLS[1]["workshops"]:
        workshop = Workshop(school_id=school.id, name=ws_name, trade=trade, hourly_rate=Decimal(rate))
        workshop.masters = [
            make_user(
                school, f"{trade.value}@{slug}.example.com", f"Maître {ws_name}", Role.MASTER, password_hash
            )
        ]
        db.session.add(workshop)
        workshops.append(workshop)
    db.session.flush()

    customer_rows = [
        {
            "school_id": school.id,
            "name": f"Client {n:04d}",
            "siren": ids.siren(5000000 + n),
            "siret": ids.siret(5000000 + n),
            "billing_line1": f"{n} rue de l'Usine",
            "billing_postal_code": "69000",
            "billing_city": "Lyon",
            "billing_country": "FR",
            "payment_terms": PaymentTerms.NET_30,
            "language": "fr",
            "created_at": datetime.now(UTC),
            "updated_at": datetime.now(UTC),
        }
        for n in range(1, customer_count + 1)
    ]
    customer_ids = list(
        db.session.execute(
            sa.insert(Customer.__table__).returning(Customer.__table__.c.id, sort_by_parameter_order=True),
            customer_rows,
        ).scalars()
    )
    user_ids = []
    for n, customer_id in enumerate(customer_ids, start=1):
        user = make_user(
            school,
            f"client{n:04d}@{slug}.example.com",
            f"Acheteur {n:04d}",
            Role.CUSTOMER,
            password_hash,
            customer_id=customer_id,
        )
        user_ids.append(user)
    db.session.flush()
    user_ids = [u.id for u in user_ids]

    states = [OrderState.SUBMITTED] * 5 + [OrderState.DRAFT] * 2 + [OrderState.DECLINED, OrderState.CANCELLED]
    now = datetime.now(UTC)
    year = now.year
    number = 0
    trades = [w.trade for w in workshops]
    done = 0
    while done < order_count:
        chunk = min(1000, order_count - done)
        order_rows, meta = [], []
        for i in range(chunk):
            k = done + i
            c = rng.randrange(customer_count)
            state = states[rng.randrange(len(states))]
            created = now - timedelta(days=rng.randint(1, 720), minutes=rng.randint(0, 1440))
            submitted = created + timedelta(hours=3) if state is not OrderState.DRAFT else None
            if submitted:
                number += 1
            order_rows.append(
                {
                    "school_id": school.id,
                    "customer_id": customer_ids[c],
                    "created_by_id": user_ids[c],
                    "number": format_number(school.request_prefix, year, number) if submitted else None,
                    "title": f"Demande {k + 1:05d} — pièces diverses",
                    "customer_reference": f"PO-{k + 1:05d}" if k % 3 == 0 else None,
                    "desired_date": (created + timedelta(days=45)).date(),
                    "delivery_country": "FR",
                    "state": state,
                    "submitted_at": submitted,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            meta.append((state, created, submitted, user_ids[c]))
        order_ids = list(
            db.session.execute(
                sa.insert(Order.__table__).returning(Order.__table__.c.id, sort_by_parameter_order=True),
                order_rows,
            ).scalars()
        )
        line_rows, event_rows = [], []
        for order_id, (state, created, submitted, user_id) in zip(order_ids, meta, strict=True):
            for position in range(1, rng.randint(1, 3) + 1):
                line_rows.append(
                    {
                        "school_id": school.id,
                        "order_id": order_id,
                        "position": position,
                        "description": f"Pièce usinée repère {position}",
                        "material": "Acier S235",
                        "quantity": Decimal(rng.randint(1, 200)),
                        "unit": Unit.PIECE,
                        "trade": trades[rng.randrange(len(trades))],
                    }
                )
            event_rows.append(_event(school.id, order_id, None, OrderState.DRAFT, user_id, created))
            if submitted:
                event_rows.append(
                    _event(school.id, order_id, OrderState.DRAFT, OrderState.SUBMITTED, user_id, submitted)
                )
            if state in (OrderState.DECLINED, OrderState.CANCELLED):
                event_rows.append(
                    _event(
                        school.id,
                        order_id,
                        OrderState.SUBMITTED,
                        state,
                        user_id,
                        submitted + timedelta(days=1),
                        "Motif de démonstration",
                    )
                )
        db.session.execute(sa.insert(OrderLine.__table__), line_rows)
        db.session.execute(sa.insert(OrderEvent.__table__), event_rows)
        done += chunk
        if progress:
            progress(chunk)
    if number:
        db.session.add(
            SequenceCounter(school_id=school.id, series=school.request_prefix, year=year, last_value=number)
        )
    db.session.commit()
    # After a bulk load the planner's statistics are stale until autovacuum passes by.
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    return (
        f"School '{slug}': {customer_count} customers, {order_count} orders. Logins: admin@{slug}.example.com, "
        f"client0001@{slug}.example.com, {Trade.MACHINING.value}@{slug}.example.com (password {DEMO_PASSWORD})."
    )


def _event(
    school_id: int,
    order_id: int,
    from_state: OrderState | None,
    to_state: OrderState,
    actor_id: int,
    at: datetime,
    reason: str | None = None,
) -> dict:
    return {
        "school_id": school_id,
        "order_id": order_id,
        "from_state": from_state,
        "to_state": to_state,
        "actor_id": actor_id,
        "at": at,
        "reason": reason,
    }
