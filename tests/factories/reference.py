"""Schools, users, customers, workshops, machines, students and orders: the ``Factory`` and the ``World`` most tests start from."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ecoprod.accounts import services as accounts
from ecoprod.accounts.models import Role, User, UserStatus
from ecoprod.customers.models import Customer
from ecoprod.database import Address
from ecoprod.demo import identifiers as ids
from ecoprod.extensions import db
from ecoprod.orders import services as orders
from ecoprod.orders.models import Order, OrderState
from ecoprod.schools.models import School
from ecoprod.schools.services import add_default_vat_rates
from ecoprod.storage import PDF, InspectedFile
from ecoprod.students.models import Student
from ecoprod.workshops.models import Machine, Trade, Workshop

PASSWORD = "correct-horse-battery"


# A real 2 × 2 PNG (photos are decoded and re-encoded without their metadata).
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00\x00\xfd\xd4\x9as"
    b"\x00\x00\x00\x16IDATx\x9cc\xe4\xaa8\xc1\xc0\xc0\xc0\xc4\xc0\xc0\xc0\xc0\xc0\x00\x00\x0e\xe4\x01NE\x9d"
    b"\x15\xd9\x00\x00\x00\x00IEND\xaeB`\x82"
)


PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf_file(name: str = "plan.pdf", data: bytes = PDF_BYTES) -> InspectedFile:
    import hashlib

    return InspectedFile(name, PDF, data, hashlib.sha256(data).hexdigest())


class Factory:
    def __init__(self) -> None:
        self._seq = itertools.count(1)

    def _n(self) -> int:
        return next(self._seq)

    def school(self, **kwargs: Any) -> School:
        n = self._n()
        values: dict[str, Any] = {
            "slug": f"school-{n}",
            "name": f"École de production n°{n}",
            "address": Address("1 rue de l'Atelier", None, "69001", "Lyon", "FR"),
            "siret": ids.siret(3000000 + n),
            "vat_number": ids.vat_fr(ids.siren(3000000 + n)),
            "iban": "FR1420041010050500013M02606",
            "bic": "PSSTFRPPLIL",
        }
        values.update(kwargs)
        school = School(**values)
        db.session.add(school)
        db.session.flush()
        add_default_vat_rates(school)
        db.session.commit()
        return school

    def user(
        self,
        school: School | None,
        role: Role,
        *,
        customer: Customer | None = None,
        workshops: tuple[Workshop, ...] = (),
        status: UserStatus = UserStatus.ACTIVE,
        password: str | None = PASSWORD,
        **kwargs: Any,
    ) -> User:
        n = self._n()
        user = User(
            school_id=school.id if school else None,
            email=kwargs.pop("email", f"{role.value}{n}@test.example.com"),
            full_name=kwargs.pop("full_name", f"{role.value.title()} Person{n}"),
            role=role,
            status=status,
            customer_id=customer.id if customer else None,
            **kwargs,
        )
        if password:
            user.password_hash = accounts.hash_password(password)
        user.workshops = list(workshops)
        db.session.add(user)
        db.session.commit()
        return user

    def customer(self, school: School, **kwargs: Any) -> Customer:
        n = self._n()
        values: dict[str, Any] = {
            "school_id": school.id,
            "name": f"Société Cliente {n}",
            "siren": ids.siren(6000000 + n),
            "siret": ids.siret(6000000 + n),
            "billing_address": Address(f"{n} avenue des Clients", None, "69003", "Lyon", "FR"),
            "delivery_address": Address(),
        }
        values.update(kwargs)
        customer = Customer(**values)
        db.session.add(customer)
        db.session.commit()
        return customer

    def workshop(self, school: School, trade: Trade = Trade.MACHINING, **kwargs: Any) -> Workshop:
        n = self._n()
        workshop = Workshop(
            school_id=school.id,
            name=kwargs.pop("name", f"Atelier {trade.value} {n}"),
            trade=trade,
            hourly_rate=kwargs.pop("hourly_rate", Decimal("45.00")),
            **kwargs,
        )
        db.session.add(workshop)
        db.session.commit()
        return workshop

    def machine(self, workshop: Workshop, regulated: bool = True) -> Machine:
        machine = Machine(
            school_id=workshop.school_id, workshop=workshop, name=f"Machine {self._n()}", regulated=regulated
        )
        db.session.add(machine)
        db.session.commit()
        return machine

    def student(self, school: School, workshop: Workshop | None = None, **kwargs: Any) -> Student:

        n = self._n()
        student = Student(
            school_id=school.id,
            first_name=kwargs.pop("first_name", f"Prénom{n}"),
            last_name=kwargs.pop("last_name", f"Élève{n}"),
            birth_date=kwargs.pop("birth_date", date(2010, 3, 14)),
            trade=kwargs.pop("trade", workshop.trade if workshop else Trade.MACHINING),
            training_year=kwargs.pop("training_year", 1),
            workshop_id=workshop.id if workshop else None,
        )
        db.session.add(student)
        db.session.commit()
        return student

    def order(
        self,
        user: User,
        *,
        state: OrderState = OrderState.SUBMITTED,
        trade: Trade = Trade.MACHINING,
        title: str | None = None,
        drawings: tuple[InspectedFile, ...] = (),
        by: User | None = None,
    ) -> Order:
        data = orders.RequestInput(
            title=title or f"Demande {self._n()}",
            lines=[
                orders.LineInput(description="Axe Ø20", quantity=Decimal("10"), trade=trade, material="Acier")
            ],
        )
        order = orders.create_draft(user, data, drawings)
        if state is not OrderState.DRAFT:
            orders.submit(order, user)
        if state is OrderState.DECLINED:
            orders.decline(order, by, "Atelier complet")
        elif state is OrderState.CANCELLED:
            orders.cancel(order, user, "Projet abandonné")
        db.session.commit()
        return order

    def world(self) -> World:
        a = self.school(name="École Alpha", slug="alpha")
        b = self.school(name="École Bravo", slug="bravo")
        machining = self.workshop(a, Trade.MACHINING, name="Usinage Alpha")
        metalwork = self.workshop(a, Trade.METALWORK, name="Métallerie Alpha")
        woodwork = self.workshop(b, Trade.WOODWORK, name="Menuiserie Bravo")
        machine = self.machine(machining)
        company = self.customer(a, name="Mécanique Zéphyr")
        rival = self.customer(a, name="Rivale Industrie")
        company_b = self.customer(b, name="Bois Bravo SARL")
        world = World(
            school=a,
            other_school=b,
            admin=self.user(a, Role.ADMIN, full_name="Alice Admin"),
            master=self.user(a, Role.MASTER, workshops=(machining,), full_name="Marc Usineur"),
            metal_master=self.user(a, Role.MASTER, workshops=(metalwork,), full_name="Manon Métal"),
            customer_user=self.user(a, Role.CUSTOMER, customer=company, full_name="Claire Cliente"),
            rival_user=self.user(a, Role.CUSTOMER, customer=rival, full_name="Romain Rival"),
            other_admin=self.user(b, Role.ADMIN, full_name="Bernard Bravo"),
            other_master=self.user(b, Role.MASTER, workshops=(woodwork,), full_name="Bruno Bois"),
            other_customer_user=self.user(b, Role.CUSTOMER, customer=company_b, full_name="Béatrice Bois"),
            operator=self.user(None, Role.OPERATOR, full_name="Oscar Opérateur"),
            company=company,
            rival=rival,
            company_b=company_b,
            machining=machining,
            metalwork=metalwork,
            woodwork=woodwork,
            machine=machine,
            student=self.student(a, machining, first_name="Théo", last_name="Secretnom"),
        )
        world.draft = self.order(
            world.customer_user, state=OrderState.DRAFT, title="Brouillon Zéphyr", drawings=(pdf_file(),)
        )
        world.submitted = self.order(world.customer_user, title="Axes Zéphyr")
        world.submitted_with_drawing = self.order(
            world.customer_user, state=OrderState.DRAFT, title="Plans Zéphyr", drawings=(pdf_file("vue.pdf"),)
        )
        orders.submit(world.submitted_with_drawing, world.customer_user)
        db.session.commit()
        world.rival_order = self.order(world.rival_user, trade=Trade.METALWORK, title="Rampe Rivale")
        world.other_order = self.order(world.other_customer_user, trade=Trade.WOODWORK, title="Table Bravo")
        return world


@dataclass
class World:
    school: School
    other_school: School
    admin: User
    master: User
    metal_master: User
    customer_user: User
    rival_user: User
    other_admin: User
    other_master: User
    other_customer_user: User
    operator: User
    company: Customer
    rival: Customer
    company_b: Customer
    machining: Workshop
    metalwork: Workshop
    woodwork: Workshop
    machine: Machine
    student: Student
    draft: Order | None = None
    submitted: Order | None = None
    submitted_with_drawing: Order | None = None
    rival_order: Order | None = None
    other_order: Order | None = None
