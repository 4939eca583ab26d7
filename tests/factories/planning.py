"""Planned work: a week of operations, students and declarations (``plan_world``), orders ready to deliver."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app

from ecoprod.accounts.models import Role, User
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.minors import services as minors
from ecoprod.minors.models import DerogationDeclaration
from ecoprod.orders.models import Order, OrderState
from ecoprod.planning import services as planning
from ecoprod.planning.models import (
    Absence,
    Assignment,
    CalendarEvent,
    CalendarKind,
    Competence,
    Operation,
    OperationKind,
    OperationPhoto,
)
from ecoprod.slots import Half, HalfDay
from ecoprod.storage import FileStore
from ecoprod.students.models import Student
from ecoprod.tenancy import scoped_to
from tests.factories.reference import PNG_BYTES, Factory, World


@dataclass
class Planning:
    """A firm order of school A split into operations, one student with a sign-in, the registers."""

    order: Order
    operation: Operation
    assignment: Assignment
    photo: OperationPhoto
    private_photo: OperationPhoto
    competence: Competence
    holiday: CalendarEvent
    absence: Absence
    declaration: DerogationDeclaration
    student_user: User
    classmate: Student
    classmate_operation: Operation
    monday: date


def next_monday(today: date | None = None) -> date:
    day = today or local_today()
    return day + timedelta(days=7 - day.weekday())


def firm_order(factory: Factory, user: User, title: str, promised_in_days: int = 60) -> Order:
    """An accepted order (the quote and its signature are the quotes tests' business)."""
    order = factory.order(user, title=title)
    order.state = OrderState.ACCEPTED
    order.promised_date = local_today() + timedelta(days=promised_in_days)
    db.session.commit()
    return order


def plan_world(factory: Factory, world: World) -> Planning:

    monday = next_monday()
    with scoped_to(db.session, world.school.id):
        order = firm_order(factory, world.customer_user, "Châssis Zéphyr")
        competence = Competence(school_id=world.school.id, code="C3.2", name="Usiner en tournage")
        db.session.add(competence)
        db.session.flush()
        operation = planning.add_operation(
            order,
            planning.OperationInput(
                world.machining.id,
                OperationKind.MACHINE,
                "Tournage des axes",
                Decimal("6"),
                1,
                None,
                [competence.id],
            ),
        )
        classmate = factory.student(world.school, world.machining, first_name="Lina", last_name="Autrenom")
        classmate_operation = planning.add_operation(
            order,
            planning.OperationInput(world.machining.id, OperationKind.FINISH, "Ébavurage", Decimal("3")),
        )
        planning.assign(operation, world.student, [HalfDay(monday, Half.AM)], world.master)
        planning.assign(classmate_operation, classmate, [HalfDay(monday, Half.PM)], world.master)
        assignment = operation.assignments[0]
        photos = []
        for shared in (True, False):
            stored = FileStore(current_app.config["UPLOAD_FOLDER"]).save(
                world.school.id, PNG_BYTES, db.session
            )
            photos.append(
                OperationPhoto(
                    school_id=world.school.id,
                    stored_name=stored,
                    content_type="image/png",
                    shared_with_customer=shared,
                )
            )
            operation.photos.append(photos[-1])
        holiday = CalendarEvent(
            school_id=world.school.id,
            kind=CalendarKind.HOLIDAY,
            label="Vacances d'hiver",
            start_date=monday + timedelta(days=70),
            end_date=monday + timedelta(days=84),
        )
        absence = Absence(
            school_id=world.school.id,
            student=world.student,
            start_date=monday + timedelta(days=8),
            end_date=monday + timedelta(days=8),
            reason="Rendez-vous",
        )
        db.session.add_all([holiday, absence])
        declaration = minors.add_declaration(
            world.school.id, date(2025, 9, 1), "Tours", "DD-69-001", [world.machine]
        )
        student_user = factory.user(world.school, Role.STUDENT, full_name=world.student.full_name)
        world.student.user_id = student_user.id
        db.session.commit()
    return Planning(
        order=order,
        operation=operation,
        assignment=assignment,
        photo=photos[0],
        private_photo=photos[1],
        competence=competence,
        holiday=holiday,
        absence=absence,
        declaration=declaration,
        student_user=student_user,
        classmate=classmate,
        classmate_operation=classmate_operation,
        monday=monday,
    )


def ready_order(factory: Factory, user: User, title: str, quantity: str = "10") -> Order:
    """An order whose work is done (the planning tests cover how it gets there)."""
    order = factory.order(user, title=title)
    order.lines[0].quantity = Decimal(quantity)
    order.state = OrderState.READY
    order.promised_date = local_today() + timedelta(days=10)
    db.session.commit()
    return order
