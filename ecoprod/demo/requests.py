"""The demo's schools, people, companies and requests in every state, with their quotes."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from ecoprod.accounts.models import Role, User, UserStatus
from ecoprod.customers.models import Contact, Customer, PaymentTerms
from ecoprod.database import Address
from ecoprod.demo import identifiers as ids
from ecoprod.demo.data.reference import CUSTOMERS, FIRST_NAMES, LAST_NAMES
from ecoprod.demo.data.requests import QUOTE_PLAN, REQUESTS
from ecoprod.demo.drawings import shaft_dxf, shaft_pdf
from ecoprod.extensions import db
from ecoprod.orders import services as orders
from ecoprod.orders.models import Order, OrderState, Unit
from ecoprod.pricing.models import LineKind
from ecoprod.quotes import services as quotes
from ecoprod.quotes.models import Quote, QuoteLine, QuoteState
from ecoprod.schools.models import School, VatRegime
from ecoprod.schools.services import add_default_vat_rates
from ecoprod.students.models import Student
from ecoprod.tenancy import scoped_to
from ecoprod.workshops.models import Machine, Trade, Workshop


def make_user(
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


def make_school(spec: dict) -> School:
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


def seed_school(spec: dict, password_hash: str, rng: random.Random) -> list[tuple[Quote, User, QuoteState]]:
    school = make_school(spec)
    email, name = spec["admin"]
    make_user(school, email, name, Role.ADMIN, password_hash)
    workshops = []
    for ws_name, trade, rate, (m_email, m_name), machines in spec["workshops"]:
        workshop = Workshop(school_id=school.id, name=ws_name, trade=trade, hourly_rate=Decimal(rate))
        master = make_user(school, m_email, m_name, Role.MASTER, password_hash)
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
            user = make_user(school, l_email, l_name, Role.CUSTOMER, password_hash, customer_id=customer.id)
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
            # A shaft's first request comes with its drawings (a PDF and a DXF: their previews).
            drawn = k == 0 and trade is Trade.MACHINING
            order = orders.create_draft(user, data, [shaft_pdf(title), shaft_dxf(title)] if drawn else ())
            if target is not OrderState.DRAFT:
                orders.submit(order, user)
            if target is OrderState.DECLINED:
                master = workshops[trades.index(trade)].masters[0]
                orders.decline(order, master, "L'atelier est complet jusqu'à la fin du trimestre.")
            elif target is OrderState.CANCELLED:
                orders.cancel(order, user, "Projet reporté à l'an prochain.")
            age(order, days=40 - 4 * k)
            if k in QUOTE_PLAN:
                master = workshops[trades.index(trade)].masters[0]
                answers.append((demo_quote(order, master), user, QUOTE_PLAN[k]))
    db.session.flush()
    return answers


def demo_quote(order: Order, master: User) -> Quote:
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


def answer(quote: Quote, customer_user: User, outcome: QuoteState) -> None:
    """The customer's answer to a demo quote, once its PDF exists (one accepts the PDF)."""
    with scoped_to(db.session, quote.school_id):
        if outcome is QuoteState.ACCEPTED:
            quotes.accept(
                quote, customer_user, full_name=customer_user.full_name, ip="192.0.2.10", user_agent="Démo"
            )
        elif outcome is QuoteState.DECLINED:
            quotes.refuse(quote, customer_user, "Le délai ne convient pas à notre planning.")


def age(order: Order, days: int) -> None:
    """Move an order's dates into the past, keeping the order of its events."""
    shift = timedelta(days=days)
    order.created_at -= shift
    if order.submitted_at:
        order.submitted_at = order.submitted_at - shift + timedelta(hours=2)
    for i, event in enumerate(order.events):
        event.at = event.at - shift + timedelta(hours=2 * i)
