"""The whole demo: two schools, their requests and quotes, planning, and in the first school
deliveries and invoices (``load_demo``); the demo accounts (``demo_logins``)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from ecoprod.accounts.models import Role, User
from ecoprod.accounts.services import hash_password
from ecoprod.deferred import run_committed
from ecoprod.demo.conversations import seed_conversations
from ecoprod.demo.costs import seed_material_costs
from ecoprod.demo.data.reference import DEMO_PASSWORD, SCHOOLS
from ecoprod.demo.ereporting import seed_individual_sales
from ecoprod.demo.invoicing import seed_invoicing
from ecoprod.demo.planning import seed_planning
from ecoprod.demo.requests import answer, make_user, seed_school
from ecoprod.einvoicing.models import Syntax
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.notifications.models import OutboxEmail
from ecoprod.schools.models import School
from ecoprod.tenancy import scoped_to


def is_loaded() -> bool:
    return bool(db.session.scalar(sa.select(sa.func.count()).select_from(School)))


def load_demo() -> None:
    """Two schools, six workshops, 30 students, 10 companies and 2 individuals, requests in every state, planning,
    and in the first school deliveries and invoices. The database must be empty."""
    rng = random.Random(2026)
    password_hash = hash_password(DEMO_PASSWORD)
    make_user(
        None, "operator@ecoprod.example.com", "Opérateur de la plateforme", Role.OPERATOR, password_hash
    )
    answers = []
    for spec in SCHOOLS:
        answers += seed_school(spec, password_hash, rng)
    db.session.commit()
    run_committed()  # the quotes' PDFs, the drawings' previews
    for quote, customer_user, outcome in answers:
        answer(db.session.merge(quote), db.session.merge(customer_user), outcome)
    db.session.commit()
    run_committed()  # the accepted copies
    school_ids = list(db.session.scalars(sa.select(School.id).order_by(School.id)))
    for n, school_id in enumerate(school_ids):
        seed_planning(school_id, password_hash, expiring_soon=n == 1)
    db.session.commit()
    seed_invoicing(school_ids[0])  # deliveries and invoices, in the first school
    seed_individual_sales(school_ids[0])  # and sales to individuals, for the e-reporting
    seed_material_costs(school_ids[0], rng)  # what the material cost, for the margins
    seed_conversations(school_ids[0])  # messages on requests still being quoted
    db.session.commit()
    connect_sandbox(school_ids[0])  # from now on its invoices go to the sandbox platform
    db.session.commit()
    # The demo's own notifications are not worth sending.
    db.session.execute(sa.delete(OutboxEmail))
    db.session.commit()


def connect_sandbox(school_id: int, base: str = "http://127.0.0.1:5050") -> None:
    """The first school's platform: the sandbox ``make run`` starts (``flask einvoicing
    sandbox``). Its administrator tests the connection to subscribe to the statuses."""
    from ecoprod.einvoicing import services as einvoicing
    from ecoprod.einvoicing.commands import DEMO_CLIENT

    school = db.session.get(School, school_id)
    with scoped_to(db.session, school_id):
        einvoicing.save_connection(
            school,
            einvoicing.ConnectionInput(
                flow_url=f"{base}/flow-service",
                directory_url=f"{base}/directory-service",
                token_url=f"{base}/token",
                client_id=DEMO_CLIENT[0],
                client_secret=DEMO_CLIENT[1],
                syntax=Syntax.FACTURX,
                platform_number="9001",
            ),
        )
        # Connected two months ago: the periods ended since are e-reported (the worker's
        # morning job, or *Préparer maintenant* on the e-reporting page).
        connection = einvoicing.connection_of(school_id)
        connection.created_at = datetime.combine(local_today() - timedelta(days=60), time(8), tzinfo=UTC)


def demo_logins() -> list[tuple[str, str, str]]:
    """The demo accounts as (role, e-mail, who), read back from the database."""
    users = db.session.scalars(
        sa.select(User)
        .where(User.email.like("%.example.com"))
        .order_by(User.school_id.nullsfirst(), User.role, User.email)
    )
    return [(u.role.value, u.email, u.full_name + (f" — {u.school.name}" if u.school else "")) for u in users]
