"""``flask seed demo`` for a realistic demo, ``flask seed large`` for benchmarks."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from ecoprod.accounts.models import Role, User, UserStatus
from ecoprod.accounts.services import hash_password
from ecoprod.customers.models import Contact, Customer, PaymentTerms
from ecoprod.database import Address
from ecoprod.deferred import run_committed
from ecoprod.demo import identifiers as ids
from ecoprod.demo.invoicing import seed_invoicing
from ecoprod.demo.planning import seed_bench_planning, seed_planning
from ecoprod.extensions import db
from ecoprod.notifications.models import OutboxEmail
from ecoprod.numbering import SequenceCounter, format_number
from ecoprod.orders import services as orders
from ecoprod.orders.models import Order, OrderEvent, OrderLine, OrderState, Unit
from ecoprod.pricing.models import LineKind
from ecoprod.quotes import services as quotes
from ecoprod.quotes.models import Quote, QuoteLine, QuoteState
from ecoprod.schools.models import School, VatRegime
from ecoprod.schools.services import add_default_vat_rates
from ecoprod.students.models import Student
from ecoprod.tenancy import scoped_to
from ecoprod.workshops.models import Machine, Trade, Workshop

seed_cli = AppGroup("seed", help="Load demo or benchmark data.")

DEMO_PASSWORD = "ecoprod-demo"  # noqa: S105 - printed for everyone on purpose

FIRST_NAMES = [
    "Lucas",
    "Emma",
    "Nathan",
    "Léa",
    "Hugo",
    "Chloé",
    "Enzo",
    "Manon",
    "Louis",
    "Camille",
    "Yanis",
    "Inès",
    "Théo",
    "Sarah",
    "Mathis",
    "Jade",
    "Adam",
    "Lina",
    "Tom",
    "Zoé",
    "Rayan",
    "Clara",
    "Noah",
    "Maëlys",
    "Gabriel",
    "Lou",
    "Ethan",
    "Anaïs",
    "Sacha",
    "Eva",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
]

SCHOOLS = [
    {
        "slug": "lumiere",
        "name": "École de Production Lumière",
        "legal_form": "Association loi 1901",
        "address": Address("12 rue des Tanneurs", None, "69007", "Lyon", "FR"),
        "seed": 4217311,
        "rna": "W691012345",
        "iban": "FR7630006000011234567890189",
        "bic": "AGRIFRPP",
        "email": "contact@lumiere.example.com",
        "phone": "04 78 00 00 00",
        "admin": ("admin@lumiere.example.com", "Claire Moreau"),
        "workshops": [
            (
                "Usinage",
                Trade.MACHINING,
                "48.00",
                ("usinage@lumiere.example.com", "Marc Dubois"),
                [("Tour CN Haas ST-10", True), ("Fraiseuse 3 axes DMG", True), ("Scie à ruban", True)],
            ),
            (
                "Chaudronnerie",
                Trade.BOILERMAKING,
                "45.00",
                ("chaudronnerie@lumiere.example.com", "Jean-Pierre Lefèvre"),
                [("Plieuse Amada 100 t", True), ("Cisaille guillotine", True), ("Poste TIG", False)],
            ),
            (
                "Métallerie",
                Trade.METALWORK,
                "45.00",
                ("metallerie@lumiere.example.com", "Sophie Garnier"),
                [("Poste MIG", False), ("Meuleuse d'établi", True)],
            ),
            (
                "Électricité industrielle",
                Trade.INDUSTRIAL_ELECTRICITY,
                "42.00",
                ("electricite@lumiere.example.com", "Karim Benali"),
                [("Banc de câblage", False)],
            ),
        ],
        "students": 20,
    },
    {
        "slug": "nord",
        "name": "École de Production Compagnons du Nord",
        "legal_form": "Association loi 1901",
        "address": Address("5 quai de la Deûle", None, "59000", "Lille", "FR"),
        "seed": 7730042,
        "rna": "W595006789",
        "iban": "FR1420041010050500013M02606",
        "bic": "PSSTFRPPLIL",
        "email": "contact@nord.example.com",
        "phone": "03 20 00 00 00",
        "admin": ("admin@nord.example.com", "Hélène Petit"),
        "workshops": [
            (
                "Menuiserie",
                Trade.WOODWORK,
                "40.00",
                ("bois@nord.example.com", "Thomas Leroy"),
                [("Scie circulaire à format", True), ("Dégauchisseuse", True)],
            ),
            (
                "Textile",
                Trade.TEXTILE,
                "38.00",
                ("textile@nord.example.com", "Nadia Haddad"),
                [("Surjeteuse industrielle", False)],
            ),
        ],
        "students": 10,
    },
]

CUSTOMERS = {
    "lumiere": [
        ("Mécarhône SAS", "SAS", "Villeurbanne", "69100", ("achats@mecarhone.example.com", "Julie Martin")),
        (
            "Alpinox Industrie",
            "SARL",
            "Vénissieux",
            "69200",
            ("bureau.etudes@alpinox.example.com", "Paul Girard"),
        ),
        (
            "Robotique du Confluent",
            "SAS",
            "Lyon",
            "69002",
            ("contact@robconfluent.example.com", "Amélie Roche"),
        ),
        ("Tôlerie Saint-Fons", "SARL", "Saint-Fons", "69190", None),
        ("Ateliers Bellecour", "SA", "Lyon", "69002", None),
        ("Hydrauliques du Rhône", "SAS", "Givors", "69700", None),
        ("Brasserie des Canuts", "SARL", "Lyon", "69004", None),
    ],
    "nord": [
        (
            "Bois & Design du Nord",
            "SARL",
            "Roubaix",
            "59100",
            ("contact@boisdunord.example.com", "Olivier Caron"),
        ),
        ("Filature de Tourcoing", "SA", "Tourcoing", "59200", None),
        ("Agence Vauban Événements", "SAS", "Lille", "59000", None),
    ],
}

REQUESTS = {
    Trade.MACHINING: [
        ("Axes de convoyeur", "Axe Ø20 mm, longueur 250 mm, avec gorge pour circlip", "Acier C45", "40"),
        ("Bagues d'usure", "Bague Ø40/Ø30, épaisseur 12 mm", "Bronze CuSn12", "120"),
    ],
    Trade.BOILERMAKING: [
        ("Carters de protection", "Carter plié 2 mm selon plan, 2 perçages Ø8", "Tôle inox 304L", "12"),
        ("Trémie d'alimentation", "Trémie soudée 600 × 400, sortie Ø150", "Acier S235", "2"),
    ],
    Trade.METALWORK: [
        ("Garde-corps de mezzanine", "Garde-corps droit, lisses horizontales, 3 m", "Acier galvanisé", "4"),
        ("Supports d'étagère", "Équerre renforcée 300 × 200", "Acier S235", "60"),
    ],
    Trade.INDUSTRIAL_ELECTRICITY: [
        ("Armoire de commande", "Câblage d'une armoire selon schéma, 24 V", "Fournie par le client", "1")
    ],
    Trade.WOODWORK: [
        ("Présentoirs de salon", "Présentoir en chêne massif, 1,80 m, 4 tablettes", "Chêne", "6"),
        ("Tables de réunion", "Table 2,40 × 1,10 m, piètement métal", "Hêtre lamellé-collé", "3"),
    ],
    Trade.TEXTILE: [
        ("Tabliers brodés", "Tablier de service brodé au logo, taille unique", "Coton sergé", "50")
    ],
}


def _user(
    school: School | None, email: str, name: str, role: Role, password_hash: str, **extra: object
) -> User:
    user = User(
        school_id=school.id if school else None,
        email=email,
        full_name=name,
        role=role,
        status=UserStatus.ACTIVE,
        password_hash=password_hash,
        **extra,
    )
    db.session.add(user)
    return user


def _school(spec: dict) -> School:
    siren = ids.siren(spec["seed"])
    school = School(
        slug=spec["slug"],
        name=spec["name"],
        legal_form=spec["legal_form"],
        address=spec["address"],
        siret=ids.siret(spec["seed"]),
        vat_number=ids.vat_fr(siren),
        rna=spec["rna"],
        iban=spec["iban"],
        bic=spec["bic"],
        email=spec["email"],
        phone=spec["phone"],
        vat_regime=VatRegime.SUBJECT,
    )
    db.session.add(school)
    db.session.flush()
    add_default_vat_rates(school)
    return school


def _demo_school(spec: dict, password_hash: str, rng: random.Random) -> list[tuple[Quote, User, QuoteState]]:
    school = _school(spec)
    email, name = spec["admin"]
    _user(school, email, name, Role.ADMIN, password_hash)
    workshops = []
    for ws_name, trade, rate, (m_email, m_name), machines in spec["workshops"]:
        workshop = Workshop(school_id=school.id, name=ws_name, trade=trade, hourly_rate=Decimal(rate))
        master = _user(school, m_email, m_name, Role.MASTER, password_hash)
        workshop.masters = [master]
        for machine_name, regulated in machines:
            workshop.machines.append(Machine(school_id=school.id, name=machine_name, regulated=regulated))
        db.session.add(workshop)
        workshops.append(workshop)
    db.session.flush()

    today = date.today()
    for i in range(spec["students"]):
        workshop = workshops[i % len(workshops)]
        age_days = rng.randint(15 * 365 + 30, 19 * 365)
        db.session.add(
            Student(
                school_id=school.id,
                first_name=FIRST_NAMES[(i * 7 + len(school.slug)) % len(FIRST_NAMES)],
                last_name=LAST_NAMES[(i * 11 + spec["seed"]) % len(LAST_NAMES)],
                birth_date=today - timedelta(days=age_days),
                trade=workshop.trade,
                training_year=1 + i % 3,
                workshop_id=workshop.id,
            )
        )

    customers = []
    for n, (c_name, form, city, postal, login) in enumerate(CUSTOMERS[spec["slug"]]):
        siren = ids.siren(spec["seed"] * 10 + n + 1)
        customer = Customer(
            school_id=school.id,
            name=c_name,
            legal_form=form,
            siret=ids.siret(spec["seed"] * 10 + n + 1),
            siren=siren,
            vat_number=ids.vat_fr(siren),
            email=f"compta{n + 1}@{spec['slug']}-clients.example.com",
            billing_address=Address(f"{10 + n * 7} avenue de l'Industrie", None, postal, city, "FR"),
            delivery_address=Address(),
            payment_terms=[PaymentTerms.NET_30, PaymentTerms.NET_45_EOM, PaymentTerms.NET_60][n % 3],
        )
        customer.contacts.append(
            Contact(
                school_id=school.id, name=f"Service achats {c_name}", email=customer.email, is_primary=True
            )
        )
        db.session.add(customer)
        db.session.flush()
        if login:
            l_email, l_name = login
            user = _user(school, l_email, l_name, Role.CUSTOMER, password_hash, customer_id=customer.id)
            customers.append((customer, user))
    db.session.flush()

    # Requests in every state that exists so far, spread over the last weeks.
    answers: list[tuple[Quote, User, QuoteState]] = []
    with scoped_to(db.session, school.id):
        trades = [w.trade for w in workshops]
        plan = [
            OrderState.SUBMITTED,
            OrderState.DRAFT,
            OrderState.DECLINED,
            OrderState.SUBMITTED,
            OrderState.CANCELLED,
            OrderState.SUBMITTED,
            OrderState.DRAFT,
            OrderState.SUBMITTED,
            OrderState.SUBMITTED,
            OrderState.SUBMITTED,
        ]
        for k, target in enumerate(plan):
            customer, user = customers[k % len(customers)]
            trade = trades[k % len(trades)]
            title, description, material, quantity = REQUESTS[trade][k % len(REQUESTS[trade])]
            data = orders.RequestInput(
                title=title,
                customer_reference=f"BC-{2026}-{100 + k}" if k % 2 == 0 else None,
                desired_date=today + timedelta(days=30 + 7 * k),
                delivery_address=customer.effective_delivery_address,
                lines=[
                    orders.LineInput(
                        description=description, material=material, quantity=Decimal(quantity), trade=trade
                    )
                ],
            )
            if k % 3 == 0 and len(trades) > 1:
                other = trades[(k + 1) % len(trades)]
                _o_title, o_desc, o_mat, o_qty = REQUESTS[other][0]
                data.lines.append(
                    orders.LineInput(description=o_desc, material=o_mat, quantity=Decimal(o_qty), trade=other)
                )
            order = orders.create_draft(user, data)
            if target is not OrderState.DRAFT:
                orders.submit(order, user)
            if target is OrderState.DECLINED:
                master = workshops[trades.index(trade)].masters[0]
                orders.decline(order, master, "L'atelier est complet jusqu'à la fin du trimestre.")
            elif target is OrderState.CANCELLED:
                orders.cancel(order, user, "Projet reporté à l'an prochain.")
            _age(order, days=40 - 4 * k)
            if k in QUOTE_PLAN:
                master = workshops[trades.index(trade)].masters[0]
                answers.append((_demo_quote(order, master), user, QUOTE_PLAN[k]))
    db.session.flush()
    return answers


# Which of the planned requests get a quote, and what the customer did with it.
QUOTE_PLAN = {
    0: QuoteState.ACCEPTED,
    3: QuoteState.SENT,
    5: QuoteState.ACCEPTED,
    7: QuoteState.DECLINED,
    8: QuoteState.ACCEPTED,
}


def _demo_quote(order: Order, master: User) -> Quote:
    quote = quotes.start_quote(order, master)
    rate = quote.lines[0].vat_rate
    quote.lines.append(
        QuoteLine(
            school_id=order.school_id,
            position=len(quote.lines) + 1,
            kind=LineKind.MATERIAL,
            description="Matière première selon plan",
            unit=Unit.KILOGRAM,
            quantity=Decimal("12"),
            unit_price=Decimal("6.80"),
            vat_rate=rate,
        )
    )
    for line in quote.lines:
        if line.kind is LineKind.LABOUR:
            line.quantity = Decimal("6")
    quotes.send(quote, master)
    return quote


def _answer(quote: Quote, customer_user: User, outcome: QuoteState) -> None:
    """The customer's answer to a demo quote, once its PDF exists (one accepts the PDF)."""
    with scoped_to(db.session, quote.school_id):
        if outcome is QuoteState.ACCEPTED:
            quotes.accept(
                quote, customer_user, full_name=customer_user.full_name, ip="192.0.2.10", user_agent="Démo"
            )
        elif outcome is QuoteState.DECLINED:
            quotes.refuse(quote, customer_user, "Le délai ne convient pas à notre planning.")


def _age(order: Order, days: int) -> None:
    """Move an order's dates into the past, keeping the order of its events."""
    shift = timedelta(days=days)
    order.created_at -= shift
    if order.submitted_at:
        order.submitted_at = order.submitted_at - shift + timedelta(hours=2)
    for i, event in enumerate(order.events):
        event.at = event.at - shift + timedelta(hours=2 * i)


@seed_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when schools already exist.")
def seed_demo(if_empty: bool) -> None:
    """Two schools, six workshops, 30 students, 10 companies, requests in every state, planning,
    and in the first school deliveries and invoices."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(School)):
        if if_empty:
            click.echo("The database already has data: demo not loaded.")
            return
        raise click.ClickException("the database is not empty")
    rng = random.Random(2026)
    password_hash = hash_password(DEMO_PASSWORD)
    _user(None, "operator@ecoprod.example.com", "Opérateur de la plateforme", Role.OPERATOR, password_hash)
    answers = []
    for spec in SCHOOLS:
        answers += _demo_school(spec, password_hash, rng)
    db.session.commit()
    run_committed()  # the quotes' PDFs
    for quote, customer_user, outcome in answers:
        _answer(db.session.merge(quote), db.session.merge(customer_user), outcome)
    db.session.commit()
    run_committed()  # the accepted copies
    school_ids = list(db.session.scalars(sa.select(School.id).order_by(School.id)))
    for n, school_id in enumerate(school_ids):
        seed_planning(school_id, password_hash, expiring_soon=n == 1)
    db.session.commit()
    seed_invoicing(school_ids[0])  # deliveries and invoices, in the first school
    db.session.commit()
    # The demo's own notifications are not worth sending.
    db.session.execute(sa.delete(OutboxEmail))
    db.session.commit()
    click.echo("Demo data loaded.")


def print_logins() -> None:
    click.echo(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
    for role, email, who in demo_logins():
        click.echo(f"  {role:<9} {email:<42} {who}")


def demo_logins() -> list[tuple[str, str, str]]:
    """The demo accounts as (role, e-mail, who), read back from the database."""
    users = db.session.scalars(
        sa.select(User)
        .where(User.email.like("%.example.com"))
        .order_by(User.school_id.nullsfirst(), User.role, User.email)
    )
    return [(u.role.value, u.email, u.full_name + (f" — {u.school.name}" if u.school else "")) for u in users]


@seed_cli.command("logins")
def logins() -> None:
    """Print the demo logins."""
    print_logins()


# --- Large data set for benchmarks -----------------------------------------------------------


@seed_cli.command("planning")
@click.option("--operations", "operation_count", default=2000, show_default=True)
@click.option("--students", "student_count", default=40, show_default=True)
@click.option("--slug", default="bench", show_default=True)
def seed_planning_load(operation_count: int, student_count: int, slug: str) -> None:
    """Split a large school's requests into operations to plan (after ``seed large``)."""
    seed_bench_planning(slug, operation_count, student_count)
    click.echo(f"School '{slug}': {operation_count} operations to plan, {student_count} students.")


@seed_cli.command("large")
@click.option("--orders", "order_count", default=10000, show_default=True, help="How many orders.")
@click.option("--customers", "customer_count", default=200, show_default=True)
@click.option("--slug", default="bench", show_default=True)
def seed_large(order_count: int, customer_count: int, slug: str) -> None:
    """A large school for benchmarks (orders in every state so far, 1–3 lines each)."""
    if db.session.scalar(sa.select(School.id).where(School.slug == slug)):
        raise click.ClickException(f"a school '{slug}' already exists")
    rng = random.Random(10000)
    password_hash = hash_password(DEMO_PASSWORD)
    spec = dict(SCHOOLS[0], slug=slug, name="École de Production Benchmark", seed=9100001)
    school = _school(spec)
    _user(school, f"admin@{slug}.example.com", "Admin Benchmark", Role.ADMIN, password_hash)
    workshops = []
    for ws_name, trade, rate, _master, _machines in SCHOOLS[0]["workshops"] + SCHOOLS[1]["workshops"]:
        workshop = Workshop(school_id=school.id, name=ws_name, trade=trade, hourly_rate=Decimal(rate))
        workshop.masters = [
            _user(
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
        user = _user(
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
    with click.progressbar(length=order_count, label="Orders") as bar:
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
                        _event(
                            school.id, order_id, OrderState.DRAFT, OrderState.SUBMITTED, user_id, submitted
                        )
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
            bar.update(chunk)
    if number:
        db.session.add(
            SequenceCounter(school_id=school.id, series=school.request_prefix, year=year, last_value=number)
        )
    db.session.commit()
    # After a bulk load the planner's statistics are stale until autovacuum passes by.
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    click.echo(
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
