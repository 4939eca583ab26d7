"""Every URL of the application, requested as every kind of visitor.

The table below must name every rule of ``app.url_map``: a new route without a line here
fails ``test_every_route_is_in_the_matrix``. For each route and role it gives the status
expected; every response is also searched for the names of records the role must not see
(another company's orders, another school's anything, a student's name for customers).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from ecoprod.accounts import services as accounts
from ecoprod.accounts.models import Role, SignupRequest, User, UserStatus
from ecoprod.customers.models import Contact
from ecoprod.deferred import run_committed
from ecoprod.delivery.models import DeliveryNote
from ecoprod.delivery.services import issue as deliver
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing.models import Invoice
from ecoprod.minors.models import DerogationDeclaration, MedicalOpinion, SafetyTraining
from ecoprod.orders.models import Order, OrderEvent
from ecoprod.planning.models import (
    Absence,
    Assignment,
    CalendarEvent,
    CalendarFeed,
    Competence,
    CompetenceSignoff,
    Operation,
    OperationPhoto,
    RoutingTemplate,
    TimeLog,
)
from ecoprod.quotes import services as quotes
from ecoprod.quotes.models import Quote
from ecoprod.schools import services as schools
from ecoprod.schools.models import VatRate
from ecoprod.storage import PNG, InspectedFile
from ecoprod.students.models import Student
from ecoprod.tenancy import scoped_to
from tests.conftest import csrf_token, login_as
from tests.factories import PDF_BYTES, Factory, Planning, accepted_order, plan_world, ready_order

ROLES = ("anonymous", "customer", "rival", "master", "admin", "other_admin", "operator", "student")
# A real 2 × 2 PNG (photos are decoded and re-encoded without their metadata).
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00\x00\xfd\xd4\x9as"
    b"\x00\x00\x00\x16IDATx\x9cc\xe4\xaa8\xc1\xc0\xc0\xc0\xc4\xc0\xc0\xc0\xc0\xc0\x00\x00\x0e\xe4\x01NE\x9d"
    b"\x15\xd9\x00\x00\x00\x00IEND\xaeB`\x82"
)

# What each role must never find in any response.
SCHOOL_A_MARKERS = (
    "Mécanique Zéphyr",
    "Axes Zéphyr",
    "Brouillon Zéphyr",
    "Rampe Rivale",
    "Secretnom",
    "Usinage Alpha",
    "Châssis Zéphyr",
    "Livraison Zéphyr",
    "Facture Zéphyr",
    "Autrenom",
)
# A customer never meets a student: not a name, not an initial, not a birth date.
STUDENT_DATA = ("Secretnom", "Théo", "Autrenom", "Lina", "14/03/2010", "2010-03-14")
FORBIDDEN = {
    "anonymous": SCHOOL_A_MARKERS,
    "customer": (*STUDENT_DATA, "Rampe Rivale", "Rivale Industrie"),
    "rival": (
        "Mécanique Zéphyr",
        "Axes Zéphyr",
        "Brouillon Zéphyr",
        "Plans Zéphyr",
        "Châssis Zéphyr",
        *STUDENT_DATA,
    ),
    "master": (),
    "admin": ("Table Bravo", "Bois Bravo"),
    "other_admin": SCHOOL_A_MARKERS,
    "operator": SCHOOL_A_MARKERS,
    # A student's sign-in sees its own tasks: not a classmate's, not another school's.
    "student": ("Autrenom", "Rampe Rivale", "Table Bravo", "Bois Bravo"),
}


@dataclass
class Scene:
    """The objects the URLs point at, all in school A unless said otherwise."""

    world: Any
    users: dict[str, User | None]
    contact: Contact
    invited: User
    signup: SignupRequest
    vat_rate: VatRate
    plan: Planning
    delivery_note: DeliveryNote
    invoice: Any = None
    draft_invoice: Any = None
    invoiced_order: Any = None
    sent_quote: Quote | None = None
    draft_quote: Quote | None = None
    accepted_quote: Quote | None = None

    def attachment_of(self, order: Order) -> int:
        db.session.refresh(order)
        return order.attachments[0].id


def confirmed_signup(school: Any, email: str, full_name: str, company: str, siret: str | None = None) -> Any:
    """A sign-up whose address was confirmed through its e-mailed link (the admins see it)."""
    import re

    from ecoprod.notifications.models import OutboxEmail

    with scoped_to(db.session, school.id):
        accounts.sign_up(school, email=email, full_name=full_name, company_name=company, siret=siret)
        mail = db.session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.to_address == email).order_by(OutboxEmail.id.desc())
        ).first()
        raw = re.search(r"/signup/confirm/(\S+)", mail.body).group(1)
        request = accounts.confirm_signup(raw, "a-long-password-1")
        db.session.commit()
    return request


def build_scene(factory: Factory, with_quotes: bool = True, with_invoices: bool = False) -> Scene:
    world = factory.world()
    contact = Contact(
        school_id=world.school.id, customer=world.company, name="Zoé Contact", email="zoe@z.example.com"
    )
    db.session.add(contact)
    invited = factory.user(
        world.school, Role.MASTER, status=UserStatus.INVITED, password=None, full_name="Ivan Invité"
    )
    signup = confirmed_signup(world.school, "newcomer@example.com", "Nina Nouvelle", "Nouvelle Société")
    with scoped_to(db.session, world.school.id):
        schools.set_logo(world.school, InspectedFile("logo.png", PNG, PNG_BYTES, "0" * 64))
    db.session.commit()
    vat_rate = db.session.scalars(
        sa.select(VatRate).where(VatRate.school_id == world.school.id, VatRate.is_default.is_(False))
    ).first()
    users = {
        "anonymous": None,
        "customer": world.customer_user,
        "rival": world.rival_user,
        "master": world.master,
        "admin": world.admin,
        "other_admin": world.other_admin,
        "operator": world.operator,
    }
    plan = plan_world(factory, world)
    users["student"] = plan.student_user
    with scoped_to(db.session, world.school.id):
        shipped = ready_order(factory, world.customer_user, "Livraison Zéphyr")
        note = deliver(shipped, {shipped.lines[0].id: Decimal("4")}, world.admin)
        db.session.commit()
    scene = Scene(world, users, contact, invited, signup, vat_rate, plan, note)
    if with_quotes:  # rendering PDFs costs time: only for the routes that need them
        add_quotes(scene, factory)
    if with_invoices:
        add_invoices(scene, factory)
    return scene


def add_invoices(scene: Scene, factory: Factory) -> None:
    """An issued invoice and a draft one, of Mécanique Zéphyr's delivered orders."""
    from ecoprod.invoicing import services as invoicing

    world = scene.world
    billed = accepted_order(factory, world, "Facture Zéphyr", [("labour", "Usinage", "4", "45", "20")])
    pending = accepted_order(
        factory, world, "Brouillon facture Zéphyr", [("labour", "Pliage", "2", "45", "20")]
    )
    with scoped_to(db.session, world.school.id):
        for order in (billed, pending):
            deliver(order, {order.lines[0].id: order.lines[0].quantity}, world.admin)
        scene.invoice = invoicing.issue(invoicing.draft_invoice([billed], world.admin), world.admin)
        scene.draft_invoice = invoicing.draft_invoice([pending], world.admin)
        scene.invoiced_order = pending
        db.session.commit()


def add_quotes(scene: Scene, factory: Factory) -> None:
    world = scene.world
    scene.sent_quote = sent_quote = quotes.start_quote(world.submitted, world.master)
    quotes.send(sent_quote, world.master)
    scene.draft_quote = quotes.start_quote(world.submitted_with_drawing, world.master)
    scene.accepted_quote = accepted_quote = quotes.start_quote(
        factory.order(world.customer_user, title="Commande Zéphyr"), world.master
    )
    quotes.send(accepted_quote, world.master)
    db.session.commit()
    run_committed()
    quotes.accept(accepted_quote, world.customer_user, full_name="Claire Cliente", ip=None, user_agent=None)
    db.session.commit()
    run_committed()


def expect(default: int, **overrides: int) -> dict[str, int]:
    statuses = dict.fromkeys(ROLES, default)
    # A student's sign-in reaches its own tasks and nothing else, public pages included,
    # unless a line says otherwise.
    statuses["student"] = 403
    statuses.update(overrides)
    return statuses


ADMIN_PAGE = expect(403, anonymous=302, admin=200, other_admin=200)
ADMIN_OBJECT = expect(403, anonymous=302, admin=200, other_admin=404)
ADMIN_ACTION = expect(403, anonymous=302, admin=302, other_admin=404)
MEMBER_PAGE = expect(200, anonymous=302, operator=403, student=403)
OPERATOR_PAGE = expect(403, anonymous=302, operator=200)
STAFF_PAGE = expect(403, anonymous=302, master=200, admin=200, other_admin=200)
CUSTOMER_PAGE = expect(403, anonymous=302, customer=200, rival=200)
PUBLIC = expect(200)


@dataclass
class Case:
    method: str
    url: Callable[[Scene], str]
    statuses: dict[str, int]
    data: Callable[[Scene], dict[str, Any]] = field(default=lambda s: {})
    # For actions: whether the row they act on must be unchanged after a refusal.
    changes: Callable[[Scene], Any] | None = None


def order_state(order_attr: str) -> Callable[[Scene], Any]:
    def read(scene: Scene) -> Any:
        order = getattr(scene.world, order_attr)
        return db.session.scalar(
            sa.select(sa.func.count()).select_from(OrderEvent).where(OrderEvent.order_id == order.id)
        )

    return read


def w(attr: str, path: str) -> Callable[[Scene], str]:
    """A URL built from ``path`` with ``{id}`` replaced by the id of ``scene.world.<attr>``."""
    return lambda s: path.format(id=getattr(s.world, attr).id)


MATRIX: dict[str, Case] = {
    # Public and personal pages
    "web.home": Case("GET", lambda s: "/", expect(302, student=302)),
    "web.healthz": Case("GET", lambda s: "/healthz", expect(200, student=200)),
    "web.set_language": Case(
        "POST", lambda s: "/language", expect(302, student=302), data=lambda s: {"lang": "en"}
    ),
    "accounts.login": Case("GET", lambda s: "/login", expect(302, anonymous=200)),
    "accounts.logout": Case("POST", lambda s: "/logout", expect(302, student=302)),
    "accounts.forgot_password": Case("GET", lambda s: "/password/forgot", PUBLIC),
    "accounts.reset_password": Case("GET", lambda s: "/password/reset/not-a-token", expect(404)),
    "accounts.accept_invitation": Case("GET", lambda s: "/invitation/not-a-token", expect(404)),
    "accounts.signup": Case("GET", lambda s: "/signup/alpha", PUBLIC),
    "accounts.confirm_signup": Case("GET", lambda s: "/signup/confirm/not-a-token", expect(404)),
    # A student's sign-in reaches only its tasks (review finding 8): not even its account.
    "accounts.profile": Case("GET", lambda s: "/account", expect(200, anonymous=302, student=403)),
    "accounts.change_password": Case(
        "POST", lambda s: "/account/password", expect(400, anonymous=302, student=403)
    ),
    # Users (administrators)
    "accounts.users": Case("GET", lambda s: "/admin/users?status=pending", ADMIN_PAGE),
    "accounts.invite": Case("GET", lambda s: "/admin/users/invite", ADMIN_PAGE),
    "accounts.edit_user": Case("GET", w("metal_master", "/admin/users/{id}/edit"), ADMIN_OBJECT),
    "accounts.archive_user": Case(
        "POST",
        w("metal_master", "/admin/users/{id}/archive"),
        ADMIN_ACTION,
        changes=lambda s: db.session.get(User, s.world.metal_master.id).status,
    ),
    "accounts.restore_user": Case("POST", w("metal_master", "/admin/users/{id}/restore"), ADMIN_ACTION),
    "accounts.resend_invitation": Case(
        "POST", lambda s: f"/admin/users/{s.invited.id}/reinvite", ADMIN_ACTION
    ),
    "accounts.approve_signup": Case(
        "POST",
        lambda s: f"/admin/signups/{s.signup.id}/approve",
        ADMIN_ACTION,
        data=lambda s: {f"s{s.signup.id}-customer_id": "0"},
        changes=lambda s: db.session.get(SignupRequest, s.signup.id).status,
    ),
    "accounts.reject_signup": Case(
        "POST",
        lambda s: f"/admin/signups/{s.signup.id}/reject",
        ADMIN_ACTION,
        changes=lambda s: db.session.get(SignupRequest, s.signup.id).status,
    ),
    # School and platform
    "schools.settings": Case("GET", lambda s: "/admin/school", ADMIN_PAGE),
    "schools.logo": Case(
        "GET",
        lambda s: "/school/logo",
        expect(200, anonymous=302, operator=403, other_admin=404, student=403),
    ),
    "schools.platform_schools": Case("GET", lambda s: "/platform/schools", OPERATOR_PAGE),
    "schools.platform_new_school": Case("GET", lambda s: "/platform/schools/new", OPERATOR_PAGE),
    # Customers
    "customers.index": Case("GET", lambda s: "/admin/customers/", ADMIN_PAGE),
    "customers.new": Case("GET", lambda s: "/admin/customers/new", ADMIN_PAGE),
    "customers.detail": Case("GET", w("company", "/admin/customers/{id}"), ADMIN_OBJECT),
    "customers.edit": Case("GET", w("company", "/admin/customers/{id}/edit"), ADMIN_OBJECT),
    "customers.archive": Case(
        "POST",
        w("company", "/admin/customers/{id}/archive"),
        ADMIN_ACTION,
        changes=lambda s: s.world.company.archived_at,
    ),
    "customers.restore": Case("POST", w("company", "/admin/customers/{id}/restore"), ADMIN_ACTION),
    "customers.new_contact": Case("GET", w("company", "/admin/customers/{id}/contacts/new"), ADMIN_OBJECT),
    "customers.edit_contact": Case(
        "GET", lambda s: f"/admin/customers/contacts/{s.contact.id}/edit", ADMIN_OBJECT
    ),
    "customers.delete_contact": Case(
        "POST",
        lambda s: f"/admin/customers/contacts/{s.contact.id}/delete",
        ADMIN_ACTION,
        changes=lambda s: db.session.get(Contact, s.contact.id) is not None,
    ),
    "customers.invite_user": Case(
        "POST",
        w("company", "/admin/customers/{id}/users"),
        ADMIN_ACTION,
        data=lambda s: {"full_name": "Nouvel Acheteur", "email": "acheteur@zephyr.example.com"},
        changes=lambda s: accounts.find_user_by_email("acheteur@zephyr.example.com") is None,
    ),
    # Workshops
    "workshops.index": Case("GET", lambda s: "/admin/workshops/", ADMIN_PAGE),
    "workshops.new": Case("GET", lambda s: "/admin/workshops/new", ADMIN_PAGE),
    "workshops.detail": Case("GET", w("machining", "/admin/workshops/{id}"), ADMIN_OBJECT),
    "workshops.edit": Case("GET", w("machining", "/admin/workshops/{id}/edit"), ADMIN_OBJECT),
    "workshops.archive": Case(
        "POST",
        w("machining", "/admin/workshops/{id}/archive"),
        ADMIN_ACTION,
        changes=lambda s: s.world.machining.archived_at,
    ),
    "workshops.new_machine": Case("GET", w("machining", "/admin/workshops/{id}/machines/new"), ADMIN_OBJECT),
    "workshops.edit_machine": Case("GET", w("machine", "/admin/workshops/machines/{id}/edit"), ADMIN_OBJECT),
    "workshops.archive_machine": Case(
        "POST",
        w("machine", "/admin/workshops/machines/{id}/archive"),
        ADMIN_ACTION,
        changes=lambda s: s.world.machine.archived_at,
    ),
    # Students
    "students.index": Case("GET", lambda s: "/admin/students/", ADMIN_PAGE),
    "students.new": Case("GET", lambda s: "/admin/students/new", ADMIN_PAGE),
    "students.edit": Case("GET", w("student", "/admin/students/{id}/edit"), ADMIN_OBJECT),
    "students.archive": Case(
        "POST",
        w("student", "/admin/students/{id}/archive"),
        ADMIN_ACTION,
        changes=lambda s: s.world.student.archived_at,
    ),
    # Orders
    "orders.index": Case("GET", lambda s: "/requests", MEMBER_PAGE),
    "orders.inbox": Case("GET", lambda s: "/inbox", STAFF_PAGE),
    "orders.new": Case("GET", lambda s: "/requests/new", CUSTOMER_PAGE),
    "orders.edit": Case(
        "GET", w("draft", "/requests/{id}/edit"), expect(403, anonymous=302, customer=200, rival=404)
    ),
    "orders.detail": Case(
        "GET",
        w("submitted", "/requests/{id}"),
        expect(200, anonymous=302, rival=404, other_admin=404, operator=403, student=403),
    ),
    "orders.submit": Case(
        "POST",
        w("draft", "/requests/{id}/submit"),
        expect(403, anonymous=302, customer=302, rival=404),
        changes=order_state("draft"),
    ),
    "orders.cancel": Case(
        "POST",
        w("submitted", "/requests/{id}/cancel"),
        expect(403, anonymous=302, customer=302, admin=302, rival=404, other_admin=404),
        data=lambda s: {"cancel-reason": "Plus nécessaire"},
        changes=order_state("submitted"),
    ),
    "orders.decline": Case(
        "POST",
        w("submitted", "/requests/{id}/decline"),
        expect(403, anonymous=302, master=302, admin=302, other_admin=404),
        data=lambda s: {"decline-reason": "Atelier complet"},
        changes=order_state("submitted"),
    ),
    "orders.download": Case(
        "GET",
        lambda s: (
            f"/requests/{s.world.submitted_with_drawing.id}/drawings/{s.attachment_of(s.world.submitted_with_drawing)}"
        ),
        expect(200, anonymous=302, rival=404, other_admin=404, operator=403, student=403),
    ),
    "orders.delete_drawing": Case(
        "POST",
        lambda s: f"/requests/{s.world.draft.id}/drawings/{s.attachment_of(s.world.draft)}/delete",
        expect(403, anonymous=302, customer=302, rival=404),
        changes=lambda s: len(db.session.get(Order, s.world.draft.id).attachments),
    ),
}

STAFF_ACTION = expect(403, anonymous=302, master=302, admin=302, other_admin=404)
STAFF_OBJECT = expect(403, anonymous=302, master=200, admin=200, other_admin=404)
CUSTOMER_ACTION = expect(403, anonymous=302, customer=302, rival=404)
SEEN_BY_ITS_COMPANY = expect(200, anonymous=302, rival=404, other_admin=404, operator=403, student=403)


def q(attr: str, path: str) -> Callable[[Scene], str]:
    return lambda s: path.format(id=getattr(s, attr).id)


def quote_count(scene: Scene) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Quote))


def quote_state(attr: str) -> Callable[[Scene], Any]:
    return lambda s: db.session.get(Quote, getattr(s, attr).id).state


MATRIX.update(
    {
        "quotes.index": Case("GET", lambda s: "/quotes", MEMBER_PAGE),
        "quotes.start": Case(
            "POST", w("submitted_with_drawing", "/requests/{id}/quotes"), STAFF_ACTION, changes=quote_count
        ),
        "quotes.edit": Case("GET", q("draft_quote", "/quotes/{id}/edit"), STAFF_OBJECT),
        "quotes.totals": Case("POST", q("draft_quote", "/quotes/{id}/totals"), STAFF_OBJECT),
        "quotes.delete": Case(
            "POST", q("draft_quote", "/quotes/{id}/delete"), STAFF_ACTION, changes=quote_count
        ),
        "quotes.send": Case(
            "POST", q("draft_quote", "/quotes/{id}/send"), STAFF_ACTION, changes=quote_state("draft_quote")
        ),
        "quotes.detail": Case("GET", q("sent_quote", "/quotes/{id}"), SEEN_BY_ITS_COMPANY),
        "quotes.pdf": Case("GET", q("sent_quote", "/quotes/{id}/pdf"), SEEN_BY_ITS_COMPANY),
        "quotes.accepted_pdf": Case(
            "GET", q("accepted_quote", "/quotes/{id}/accepted.pdf"), SEEN_BY_ITS_COMPANY
        ),
        "quotes.accept": Case(
            "POST",
            q("sent_quote", "/quotes/{id}/accept"),
            CUSTOMER_ACTION,
            data=lambda s: {"full_name": "Claire Cliente", "agree": "y"},
            changes=quote_state("sent_quote"),
        ),
        "quotes.refuse": Case(
            "POST",
            q("sent_quote", "/quotes/{id}/refuse"),
            CUSTOMER_ACTION,
            data=lambda s: {"reason": "Trop cher"},
            changes=quote_state("sent_quote"),
        ),
        "quotes.revise": Case(
            "POST", q("sent_quote", "/quotes/{id}/revise"), STAFF_ACTION, changes=quote_count
        ),
        "schools.vat_rates": Case("GET", lambda s: "/admin/vat-rates", ADMIN_PAGE),
        "schools.archive_vat_rate": Case(
            "POST",
            q("vat_rate", "/admin/vat-rates/{id}/archive"),
            ADMIN_ACTION,
            changes=lambda s: db.session.get(VatRate, s.vat_rate.id).archived_at,
        ),
        "schools.default_vat_rate": Case(
            "POST",
            q("vat_rate", "/admin/vat-rates/{id}/default"),
            ADMIN_ACTION,
            changes=lambda s: db.session.get(VatRate, s.vat_rate.id).is_default,
        ),
    }
)


# --- Planning, the minors' register, the skills record ------------------------------------------


def p(attr: str, path: str) -> Callable[[Scene], str]:
    """A URL built from ``path`` with ``{id}`` replaced by the id of ``scene.plan.<attr>``."""
    return lambda s: path.format(id=getattr(s.plan, attr).id)


def count(model: Any) -> Callable[[Scene], int]:
    return lambda s: db.session.scalar(sa.select(sa.func.count()).select_from(model))


def column(model: Any, attr: str, name: str) -> Callable[[Scene], Any]:
    return lambda s: getattr(db.session.get(model, getattr(s.plan, attr).id), name, None)


def made_feed(scene: Scene, kind: str) -> Any:
    """The master's calendar address for the machining workshop or for the student."""
    from ecoprod.planning import feeds

    subject = {"workshop": scene.world.machining} if kind == "workshop" else {"student": scene.world.student}
    with scoped_to(db.session, scene.world.school.id):
        found = (
            db.session.scalars(
                sa.select(CalendarFeed)
                .where(CalendarFeed.owner_id == scene.world.master.id)
                .order_by(CalendarFeed.id)
            ).first()
            if kind == "workshop"
            else None
        )
        found = (
            found or feeds.find(scene.world.master, **subject) or feeds.renew(scene.world.master, **subject)
        )
        db.session.commit()
    return found


def feed(kind: str, attr: str, path: str) -> Callable[[Scene], str]:
    def url(scene: Scene) -> str:
        from ecoprod.planning import feeds

        target = getattr(scene.world, attr, None) or getattr(scene.plan, attr, None)
        return path.format(id=target.id) + "?key=" + feeds.key_of(made_feed(scene, kind))

    return url


def week(scene: Scene) -> str:
    return scene.plan.monday.isoformat()


PLANNER = STAFF_OBJECT  # admins, and the master of the workshop; another school: not found
SCHOOL_ACTION = expect(403, anonymous=302, admin=302, other_admin=302)  # acts on one's own school
STUDENT_ONLY = expect(403, anonymous=302, student=200)

MATRIX.update(
    {
        "planning.index": Case("GET", lambda s: "/planning", STAFF_PAGE),
        "planning.add_operation": Case(
            "POST",
            p("order", "/requests/{id}/operations"),
            STAFF_ACTION,
            data=lambda s: {
                "kind": "weld",
                "workshop_id": s.world.machining.id,
                "name": "Soudure du cadre",
                "estimated_hours": "4",
                "difficulty": "2",
                "machine_id": "0",
            },
            changes=count(Operation),
        ),
        "planning.edit_operation": Case("GET", p("operation", "/operations/{id}/edit"), PLANNER),
        "planning.delete_operation": Case(
            "POST", p("operation", "/operations/{id}/delete"), STAFF_ACTION, changes=count(Operation)
        ),
        "planning.reorder_operation": Case(
            "POST",
            p("classmate_operation", "/operations/{id}/move"),
            STAFF_ACTION,
            data=lambda s: {"direction": "up"},
            changes=column(Operation, "classmate_operation", "position"),
        ),
        "planning.apply_routing": Case(
            "POST", p("order", "/requests/{id}/routing"), STAFF_ACTION, changes=count(Operation)
        ),
        "planning.save_routing": Case(
            "POST",
            p("order", "/requests/{id}/routing/save"),
            STAFF_ACTION,
            data=lambda s: {"template-name": "Axes standard"},
            changes=count(RoutingTemplate),
        ),
        "planning.order_gantt": Case("GET", p("order", "/requests/{id}/gantt"), PLANNER),
        "planning.operation": Case("GET", p("operation", "/operations/{id}"), PLANNER),
        "planning.assign": Case(
            "POST",
            p("classmate_operation", "/operations/{id}/assign"),
            STAFF_ACTION,
            data=lambda s: {"assign-student_id": s.plan.classmate.id, "assign-slots": f"{week(s)}-am"},
            changes=count(Assignment),
        ),
        "planning.unassign": Case(
            "POST",
            p("assignment", "/planning/assignments/{id}/delete"),
            STAFF_ACTION,
            changes=count(Assignment),
        ),
        "planning.move": Case(
            "POST",
            p("assignment", "/planning/assignments/{id}/move"),
            STAFF_ACTION,
            data=lambda s: {
                f"move{s.plan.assignment.id}-student_id": s.world.student.id,
                f"move{s.plan.assignment.id}-slot": f"{week(s)}-pm",
            },
            changes=column(Assignment, "assignment", "half"),
        ),
        "planning.move_form": Case("GET", p("assignment", "/planning/assignments/{id}/move"), PLANNER),
        "planning.log_time": Case(
            "POST",
            p("operation", "/operations/{id}/time"),
            STAFF_ACTION,
            data=lambda s: {
                "time-student_id": s.world.student.id,
                "time-day": local_today().isoformat(),
                "time-hours": "3",
            },
            changes=count(TimeLog),
        ),
        "planning.progress": Case(
            "POST",
            p("operation", "/operations/{id}/progress"),
            STAFF_ACTION,
            data=lambda s: {
                "progress-status": "in_progress",
                "progress-percent_done": "40",
                "progress-quality": "none",
            },
            changes=column(Operation, "operation", "percent_done"),
        ),
        "planning.add_photo": Case(
            "POST", p("operation", "/operations/{id}/photos"), STAFF_ACTION, changes=count(OperationPhoto)
        ),
        "planning.share_photo": Case(
            "POST",
            p("private_photo", "/planning/photos/{id}/share"),
            STAFF_ACTION,
            changes=column(OperationPhoto, "private_photo", "shared_with_customer"),
        ),
        "planning.photo": Case(
            "GET",
            p("photo", "/photos/{id}"),
            expect(200, anonymous=302, rival=404, other_admin=404, operator=403, student=403),
        ),
        "planning.signoff": Case(
            "POST",
            p("operation", "/operations/{id}/signoff"),
            STAFF_ACTION,
            data=lambda s: {
                "signoff-student_id": s.world.student.id,
                "signoff-competence_id": s.plan.competence.id,
            },
            changes=count(CompetenceSignoff),
        ),
        "planning.board": Case("GET", w("machining", "/planning/workshops/{id}"), PLANNER),
        "planning.workshop_gantt": Case("GET", w("machining", "/planning/workshops/{id}/gantt"), PLANNER),
        "planning.autoplan": Case("GET", w("machining", "/planning/workshops/{id}/autoplan"), PLANNER),
        "planning.workshop_feed": Case(
            "GET", feed("workshop", "machining", "/feeds/workshops/{id}.ics"), expect(200, student=200)
        ),
        "planning.student_feed": Case(
            "GET", feed("student", "student", "/feeds/students/{id}.ics"), expect(200, student=200)
        ),
        "planning.renew_workshop_feed": Case(
            "POST", w("machining", "/planning/workshops/{id}/feed"), STAFF_ACTION, changes=count(CalendarFeed)
        ),
        "planning.renew_student_feed": Case(
            "POST", w("student", "/planning/students/{id}/feed"), STAFF_ACTION, changes=count(CalendarFeed)
        ),
        "planning.revoke_feed": Case(
            "POST",
            lambda s: f"/planning/feeds/{made_feed(s, 'workshop').id}/revoke",
            STAFF_ACTION,
            changes=lambda s: db.session.get(CalendarFeed, made_feed(s, "workshop").id).revoked_at,
        ),
        "planning.calendar": Case("GET", lambda s: "/admin/calendar", ADMIN_PAGE),
        "planning.import_calendar": Case("POST", lambda s: "/admin/calendar/import", SCHOOL_ACTION),
        "planning.delete_calendar_event": Case(
            "POST", p("holiday", "/admin/calendar/{id}/delete"), ADMIN_ACTION, changes=count(CalendarEvent)
        ),
        "planning.competences": Case("GET", lambda s: "/admin/competences", ADMIN_PAGE),
        "planning.archive_competence": Case(
            "POST",
            p("competence", "/admin/competences/{id}/archive"),
            ADMIN_ACTION,
            changes=column(Competence, "competence", "archived_at"),
        ),
        "planning.student": Case("GET", w("student", "/planning/students/{id}"), PLANNER),
        "planning.add_absence": Case(
            "POST",
            w("student", "/planning/students/{id}/absences"),
            STAFF_ACTION,
            data=lambda s: {
                "absence-start_date": week(s),
                "absence-end_date": week(s),
                "absence-half": "",
                "absence-reason": "Stage",
            },
            changes=count(Absence),
        ),
        "planning.delete_absence": Case(
            "POST", p("absence", "/planning/absences/{id}/delete"), STAFF_ACTION, changes=count(Absence)
        ),
        "planning.add_medical": Case(
            "POST",
            w("student", "/planning/students/{id}/medical"),
            STAFF_ACTION,
            data=lambda s: {
                "medical-given_on": "2026-09-01",
                "medical-valid_until": "2027-08-31",
                "medical-fit": "y",
            },
            changes=count(MedicalOpinion),
        ),
        "planning.add_training": Case(
            "POST",
            w("student", "/planning/students/{id}/trainings"),
            STAFF_ACTION,
            data=lambda s: {"training-machine_id": s.world.machine.id, "training-trained_on": "2026-09-15"},
            changes=count(SafetyTraining),
        ),
        "planning.student_account": Case(
            "POST",
            p("classmate", "/planning/students/{id}/account"),
            ADMIN_ACTION,
            data=lambda s: {
                "account-email": "lina@eleves.example.com",
                "account-password": "a-long-password-2",
            },
            changes=lambda s: db.session.get(Student, s.plan.classmate.id).user_id,
        ),
        "planning.my_tasks": Case("GET", lambda s: "/my-tasks", STUDENT_ONLY),
        "planning.log_own_time": Case(
            "POST",
            p("operation", "/my-tasks/operations/{id}/time"),
            expect(403, anonymous=302, student=302),
            data=lambda s: {
                f"t{s.plan.operation.id}-day": local_today().isoformat(),
                f"t{s.plan.operation.id}-hours": "2",
            },
            changes=count(TimeLog),
        ),
        "minors.register": Case("GET", lambda s: "/minors/", STAFF_PAGE),
        "minors.register_pdf": Case("GET", lambda s: "/minors/register.pdf", STAFF_PAGE),
        "minors.add_declaration": Case(
            "POST",
            lambda s: "/minors/declarations",
            expect(403, anonymous=302, admin=302, other_admin=400),  # another school's machine: refused
            data=lambda s: {
                "declared_on": "2026-09-01",
                "work_covered": "Perçage",
                "reference": "DD-2",
                "machine_ids": s.world.machine.id,
            },
            changes=count(DerogationDeclaration),
        ),
        "minors.delete_declaration": Case(
            "POST",
            p("declaration", "/minors/declarations/{id}/delete"),
            ADMIN_ACTION,
            changes=count(DerogationDeclaration),
        ),
        "skills.record": Case("GET", w("student", "/skills/students/{id}"), PLANNER),
        "skills.record_pdf": Case("GET", w("student", "/skills/students/{id}.pdf"), PLANNER),
        "skills.record_csv": Case("GET", w("student", "/skills/students/{id}.csv"), PLANNER),
    }
)


# --- Deliveries ----------------------------------------------------------------------------------

SEEN_BY_SCHOOL_AND_ITS_COMPANY = expect(
    200, anonymous=302, rival=404, other_admin=404, operator=403, student=403
)


def dn(path: str) -> Callable[[Scene], str]:
    return lambda s: path.format(id=s.delivery_note.id, order=s.delivery_note.order_id)


def reception(scene: Scene) -> Any:
    return db.session.get(DeliveryNote, scene.delivery_note.id).received_at


MATRIX.update(
    {
        "delivery.index": Case("GET", lambda s: "/deliveries?pending=1", ADMIN_PAGE),
        "delivery.new": Case(
            "GET",
            dn("/requests/{order}/deliveries/new"),
            expect(403, anonymous=302, admin=200, other_admin=404),
        ),
        "delivery.detail": Case("GET", dn("/deliveries/{id}"), SEEN_BY_SCHOOL_AND_ITS_COMPANY),
        "delivery.pdf": Case("GET", dn("/deliveries/{id}/pdf"), SEEN_BY_SCHOOL_AND_ITS_COMPANY),
        "delivery.scan": Case(
            "GET", dn("/deliveries/{id}/scan"), expect(404, anonymous=302, operator=403, student=403)
        ),  # no scan filed yet (tests/test_delivery.py files one)
        "delivery.receive": Case(
            "POST",
            dn("/deliveries/{id}/reception"),
            expect(403, anonymous=302, customer=302, rival=404),
            data=lambda s: {
                "reception-name": "Claire Cliente",
                "reception-received_on": local_today().isoformat(),
            },
            changes=reception,
        ),
        "delivery.upload_scan": Case(
            "POST",
            dn("/deliveries/{id}/scan"),
            expect(403, anonymous=302, admin=302, other_admin=404),
            data=lambda s: {
                "scan-scan": (io.BytesIO(PDF_BYTES), "bl.pdf"),
                "scan-received_on": local_today().isoformat(),
            },
            changes=reception,
        ),
    }
)


# --- Invoicing ----------------------------------------------------------------------------------

SEEN_BY_ADMIN_AND_ITS_COMPANY = expect(
    403, anonymous=302, customer=200, rival=404, admin=200, other_admin=404
)


def inv(attr: str, path: str) -> Callable[[Scene], str]:
    return lambda s: path.format(id=getattr(s, attr).id)


def invoice_count(scene: Scene) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Invoice))


def invoice_settled(scene: Scene) -> Any:
    return db.session.get(Invoice, scene.invoice.id).settled


MATRIX.update(
    {
        "invoicing.index": Case(
            "GET",
            lambda s: "/invoices?tab=unpaid",
            expect(403, anonymous=302, customer=200, rival=200, admin=200, other_admin=200),
        ),
        "invoicing.to_invoice": Case("GET", lambda s: "/invoices/to-invoice", ADMIN_PAGE),
        "invoicing.overdue": Case("GET", lambda s: "/invoices/overdue", ADMIN_PAGE),
        "invoicing.invoice_order": Case(
            "POST", inv("invoiced_order", "/requests/{id}/invoice"), ADMIN_ACTION, changes=invoice_count
        ),
        "invoicing.deposit": Case(
            "POST",
            inv("invoiced_order", "/requests/{id}/deposit"),
            ADMIN_ACTION,
            data=lambda s: {"deposit-percent": "30"},
            changes=invoice_count,
        ),
        "invoicing.group": Case(
            "POST",
            lambda s: "/invoices/group",
            SCHOOL_ACTION,
            data=lambda s: {"group-start": "2020-01-01", "group-end": local_today().isoformat()},
            changes=invoice_count,
        ),
        "invoicing.edit": Case("GET", inv("draft_invoice", "/invoices/{id}/edit"), ADMIN_OBJECT),
        "invoicing.issue": Case(
            "POST",
            inv("draft_invoice", "/invoices/{id}/issue"),
            ADMIN_ACTION,
            changes=lambda s: db.session.get(Invoice, s.draft_invoice.id).number,
        ),
        "invoicing.delete": Case(
            "POST", inv("draft_invoice", "/invoices/{id}/delete"), ADMIN_ACTION, changes=invoice_count
        ),
        "invoicing.detail": Case("GET", inv("invoice", "/invoices/{id}"), SEEN_BY_ADMIN_AND_ITS_COMPANY),
        "invoicing.pdf": Case("GET", inv("invoice", "/invoices/{id}/pdf"), SEEN_BY_ADMIN_AND_ITS_COMPANY),
        "invoicing.record_payment": Case(
            "POST",
            inv("invoice", "/invoices/{id}/payments"),
            ADMIN_ACTION,
            data=lambda s: {
                "payment-paid_on": local_today().isoformat(),
                "payment-amount": "10",
                "payment-method": "transfer",
            },
            changes=invoice_settled,
        ),
        "invoicing.credit_note": Case(
            "POST", inv("invoice", "/invoices/{id}/credit-note"), ADMIN_ACTION, changes=invoice_count
        ),
        "invoicing.remind": Case("POST", inv("invoice", "/invoices/{id}/remind"), ADMIN_ACTION),
        "invoicing.exports_page": Case("GET", lambda s: "/exports", ADMIN_PAGE),
        "invoicing.journal_csv": Case(
            "GET", lambda s: f"/exports/journal.csv?start=2020-01-01&end={local_today()}", ADMIN_PAGE
        ),
        "invoicing.fec": Case(
            "GET", lambda s: f"/exports/fec.txt?start=2020-01-01&end={local_today()}", ADMIN_PAGE
        ),
        "invoicing.statement": Case("GET", w("company", "/admin/customers/{id}/statement.pdf"), ADMIN_OBJECT),
        "invoicing.dashboard": Case("GET", lambda s: "/dashboard", ADMIN_PAGE),
    }
)

SUCCESS = (200, 302)


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints - MATRIX.keys() == set(), "routes missing from the access matrix"
    assert MATRIX.keys() - endpoints == set(), "matrix lines for routes that no longer exist"


def _request(app, scene: Scene, role: str, case: Case) -> Any:
    client = app.test_client()
    user = scene.users[role]
    if user is not None:
        login_as(client, user)
    url = case.url(scene)
    if case.method == "GET":
        return client.get(url)
    data = {"csrf_token": csrf_token(client), **case.data(scene)}
    return client.post(url, data=data)


def _check(response: Any, role: str, expected: int, endpoint: str) -> None:
    assert response.status_code == expected, (
        f"{endpoint} as {role}: {response.status_code}, expected {expected}"
    )
    if (
        expected == 302
        and role == "anonymous"
        and endpoint not in ("web.home", "web.set_language", "accounts.logout")
    ):
        assert "/login" in response.headers["Location"]
    body = response.get_data(as_text=True) if response.mimetype.startswith("text/") else ""
    response.close()
    for marker in FORBIDDEN[role]:
        assert marker not in body, f"{endpoint} as {role} shows {marker!r}"


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_route_as_every_role(app, factory, endpoint):
    case = MATRIX[endpoint]
    scene = build_scene(
        factory, with_quotes=endpoint.startswith("quotes."), with_invoices=endpoint.startswith("invoicing.")
    )
    allowed = [r for r in ROLES if case.statuses[r] in SUCCESS and r != "anonymous"]
    refused = [r for r in ROLES if r not in allowed]
    if case.method == "GET":
        for role in ROLES:
            _check(_request(app, scene, role, case), role, case.statuses[role], endpoint)
        return
    # Actions: the refused roles first, on one scene, and nothing may change; then each
    # allowed role on a fresh scene, since the first success changes the state.
    before = case.changes(scene) if case.changes else None
    for role in refused:
        _check(_request(app, scene, role, case), role, case.statuses[role], endpoint)
        if case.changes:
            db.session.expire_all()
            assert case.changes(scene) == before, f"{endpoint} as {role} changed data"
    for role in allowed:
        if role != allowed[0]:
            from tests.conftest import empty_database

            db.session.remove()
            empty_database(app)
            scene = build_scene(
                factory,
                with_quotes=endpoint.startswith("quotes."),
                with_invoices=endpoint.startswith("invoicing."),
            )
        response = _request(app, scene, role, case)
        _check(response, role, case.statuses[role], endpoint)


def test_staff_never_see_a_customers_unsent_draft(app, world):
    client = login_as(app.test_client(), world.admin)
    assert "Brouillon Zéphyr" not in client.get(f"/admin/customers/{world.company.id}").get_data(as_text=True)
    assert "Brouillon Zéphyr" not in client.get("/requests").get_data(as_text=True)
    assert client.get(f"/requests/{world.draft.id}").status_code == 404
