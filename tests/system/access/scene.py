"""The scene every route of the access matrix is requested against, the statuses each kind
of visitor expects, and the runner. The routes themselves are listed per domain beside this
module (``test_<domain>.py``); ``routes.MATRIX`` gathers them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from ecoprod.accounts import services as accounts
from ecoprod.accounts.models import Role, SignupRequest, User, UserStatus
from ecoprod.customers.models import Contact
from ecoprod.deferred import run_committed
from ecoprod.delivery.models import DeliveryNote
from ecoprod.delivery.services import issue as deliver
from ecoprod.extensions import db
from ecoprod.invoicing.models import Invoice
from ecoprod.orders.models import Order, OrderEvent
from ecoprod.planning.models import (
    CalendarFeed,
)
from ecoprod.quotes import services as quotes
from ecoprod.quotes.models import Quote
from ecoprod.schools import services as schools
from ecoprod.schools.models import VatRate
from ecoprod.storage import PNG, InspectedFile
from ecoprod.tenancy import scoped_to
from tests.conftest import csrf_token, login_as
from tests.factories import Factory, Planning, accepted_order, plan_world, ready_order

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
    # The submitted order's conversation: {"order": id, "asked": (message, file), "note": (…)}.
    conversation: dict[str, Any] = field(default_factory=dict)

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
    add_conversation(scene)
    if with_quotes:  # rendering PDFs costs time: only for the routes that need them
        add_quotes(scene, factory)
    if with_invoices:
        add_invoices(scene, factory)
    return scene


def add_conversation(scene: Scene) -> None:
    """On the submitted order: the customer's message with a file, and an internal note with
    a file that names a student (no customer may ever read it)."""
    from ecoprod.conversations import services as conversations
    from tests.factories import pdf_file

    world = scene.world
    with scoped_to(db.session, world.school.id):
        asked = conversations.post(
            world.submitted,
            world.customer_user,
            conversations.MessageInput("Plan coté joint.", files=(pdf_file("cote.pdf"),)),
        )
        note = conversations.post(
            world.submitted,
            world.master,
            conversations.MessageInput(
                "Théo Secretnom reprend ce plan.", internal=True, files=(pdf_file("note.pdf"),)
            ),
        )
        db.session.commit()
        scene.conversation = {
            "order": world.submitted.id,
            "asked": (asked.id, asked.files[0].id),
            "note": (note.id, note.files[0].id),
        }


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


# --- Deliveries ----------------------------------------------------------------------------------

SEEN_BY_SCHOOL_AND_ITS_COMPANY = expect(
    200, anonymous=302, rival=404, other_admin=404, operator=403, student=403
)


def dn(path: str) -> Callable[[Scene], str]:
    return lambda s: path.format(id=s.delivery_note.id, order=s.delivery_note.order_id)


def reception(scene: Scene) -> Any:
    return db.session.get(DeliveryNote, scene.delivery_note.id).received_at


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


SUCCESS = (200, 302)


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


def scene_for(factory: Any, endpoint: str) -> Scene:
    """The scene a route's case needs: quotes and invoices only for the routes that act on
    them (their PDFs cost time to make)."""
    return build_scene(
        factory,
        with_quotes=endpoint.startswith("quotes."),
        with_invoices=endpoint.startswith(("invoicing.", "einvoicing.replace")),
    )


def run_case(app, factory, endpoint: str, case: Case) -> None:
    """Request the route as every role; actions must change nothing when refused."""
    scene = scene_for(factory, endpoint)
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
            scene = scene_for(factory, endpoint)
        response = _request(app, scene, role, case)
        _check(response, role, case.statuses[role], endpoint)
