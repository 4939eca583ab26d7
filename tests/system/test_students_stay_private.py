"""A customer never meets a student (review finding 1, as a class).

Students act on the customer's order — one logs time on the workshop tablet, which moves
the order into production; the master uploads a photo taken with a student's phone (its
EXIF names the student), signs off a competence, marks the work done — then the customer's
whole reachable site is walked, link by link from the home page: every page, PDF and
picture, and every e-mail the outbox holds for the customer's people. None may carry a
student's name, whether the school typed it or the student chose it as a display name.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, time
from html import unescape
from urllib.parse import urldefrag, urlsplit

import sqlalchemy as sa
import time_machine
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from ecoprod.accounts.models import Role
from ecoprod.accounts.names import shown_name
from ecoprod.extensions import db
from ecoprod.i18n import SCHOOL_TIMEZONE
from ecoprod.notifications.models import OutboxEmail
from ecoprod.orders.models import Order, OrderEvent, OrderState
from ecoprod.planning.models import OperationPhoto
from tests.conftest import login_as, post
from tests.system.access.scene import build_scene

STUDENT_NAMES = ("Théo", "Secretnom", "Lina", "Autrenom", "Tablette")


def _jpeg_from_a_students_phone() -> bytes:
    exif = Image.Exif()
    exif[0x013B] = "Théo Secretnom"  # Artist
    exif[0x8298] = "Téléphone de Théo Secretnom"  # Copyright
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (120, 120, 120)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def _students_act(app, scene) -> Order:
    world, plan = scene.world, scene.plan
    # The student chose a display name of their own before this fix closed /account to them.
    plan.student_user.full_name = "Tablette Théo Secretnom"
    db.session.commit()
    monday_morning = datetime.combine(plan.monday, time(11, 0), SCHOOL_TIMEZONE)
    with time_machine.travel(monday_morning, tick=False):
        tablet = login_as(app.test_client(), plan.student_user)
        logged = post(
            tablet,
            f"/my-tasks/operations/{plan.operation.id}/time",
            {
                f"t{plan.operation.id}-day": plan.monday.isoformat(),
                f"t{plan.operation.id}-hours": "3",
                f"t{plan.operation.id}-note": "Tournage",
            },
        )
        assert logged.status_code == 302
        master = login_as(app.test_client(), world.master)
        photo = post(
            master,
            f"/operations/{plan.operation.id}/photos",
            {
                "photo": (io.BytesIO(_jpeg_from_a_students_phone()), "axe.jpg"),
                "caption": "Axes",
                "shared": "y",
            },
        )
        assert photo.status_code == 302
        post(
            master,
            f"/operations/{plan.operation.id}/signoff",
            {"signoff-student_id": str(world.student.id), "signoff-competence_id": str(plan.competence.id)},
        )
        post(
            master,
            f"/operations/{plan.operation.id}/progress",
            {"progress-status": "done", "progress-percent_done": "100", "progress-quality": "pass"},
        )
    db.session.expire_all()
    order = db.session.get(Order, plan.order.id)
    assert order.state is not OrderState.ACCEPTED
    actors = db.session.scalars(sa.select(OrderEvent).where(OrderEvent.order_id == order.id)).all()
    assert any(e.actor is not None and e.actor.role is Role.STUDENT for e in actors), "no step by a student"
    return order


def _readable(response) -> str:
    if response.mimetype == "application/pdf":
        raw = response.data.decode("latin-1")
        try:
            reader = PdfReader(io.BytesIO(response.data))
        except PdfReadError:  # a customer's own drawing may be any PDF-looking file
            return raw
        text = " ".join(page.extract_text() or "" for page in reader.pages)
        meta = " ".join(str(v) for v in (reader.metadata or {}).values())
        return f"{text} {meta} {raw}"
    if response.mimetype.startswith("image/"):
        return response.data.decode("latin-1") + response.data.decode("utf-8", "ignore")
    if response.mimetype.endswith("spreadsheetml.sheet"):  # a list exported as XLSX: its cells
        sheets = load_workbook(io.BytesIO(response.data)).worksheets
        return " ".join(str(cell.value) for sheet in sheets for row in sheet.iter_rows() for cell in row)
    return response.get_data(as_text=True)


LINK = re.compile(r"""(?:href|src)="([^"]+)\"""")


def _walk(client, start: str = "/", limit: int = 400) -> dict[str, str]:
    """Every page the client reaches by following links from ``start`` (GET only)."""
    seen: dict[str, str] = {}
    todo = [start]
    while todo and len(seen) < limit:
        url = todo.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        if response.status_code in (301, 302, 303):
            todo.append(urlsplit(response.headers["Location"]).path or "/")
            seen[url] = ""
            response.close()
            continue
        assert response.status_code < 500, url
        body = _readable(response)
        response.close()
        seen[url] = body
        if response.mimetype == "text/html":
            for raw in LINK.findall(body):
                link = urldefrag(unescape(raw))[0]
                parts = urlsplit(link)
                if parts.scheme or parts.netloc or not link.startswith("/") or link.startswith("/static/"):
                    continue
                if link not in seen:
                    todo.append(link)
    return seen


def test_nothing_a_customer_reaches_names_a_student(app, factory):
    scene = build_scene(factory, with_quotes=True, with_invoices=True)
    order = _students_act(app, scene)
    world = scene.world
    customer = login_as(app.test_client(), world.customer_user)
    pages = _walk(customer)
    assert f"/requests/{order.id}" in pages, "the order the students worked on was not reached"
    assert any(url.startswith("/photos/") for url in pages), "the shared photo was not reached"
    assert any(url.endswith("/pdf") or url.endswith(".pdf") for url in pages), "no PDF was reached"
    for url, body in pages.items():
        for name in STUDENT_NAMES:
            assert name not in body, f"{url} shows {name!r}"
    order_page = pages[f"/requests/{order.id}"]
    assert "En production" in order_page and "École Alpha" in order_page  # the school acted

    addresses = {world.customer_user.email, world.company.email, scene.contact.email} - {None}
    mails = db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.to_address.in_(addresses))).all()
    assert mails, "no e-mail to the customer to check"
    for mail in mails:
        for name in STUDENT_NAMES:
            assert name not in mail.subject + mail.body, f"e-mail {mail.template} shows {name!r}"


def test_staff_still_see_who_did_it(app, factory):
    scene = build_scene(factory, with_quotes=False)
    order = _students_act(app, scene)
    page = login_as(app.test_client(), scene.world.master).get(f"/requests/{order.id}").get_data(as_text=True)
    assert "Tablette Théo Secretnom" in page


def test_a_stored_photo_keeps_nothing_its_camera_wrote(app, factory):
    scene = build_scene(factory, with_quotes=False)
    _students_act(app, scene)
    photo = db.session.scalars(
        sa.select(OperationPhoto).where(OperationPhoto.content_type == "image/jpeg")
    ).one()
    response = login_as(app.test_client(), scene.world.admin).get(f"/photos/{photo.id}")
    data = response.data
    response.close()
    assert b"Secretnom" not in data
    assert not Image.open(io.BytesIO(data)).getexif()


def test_who_is_named_to_whom(factory, world):
    student_user = factory.user(world.school, Role.STUDENT, full_name="Théo Secretnom")
    colleague = factory.user(world.school, Role.CUSTOMER, customer=world.company, full_name="Paul Collègue")
    assert shown_name(student_user, world.customer_user) == "École Alpha"
    assert shown_name(student_user, world.rival_user) == "École Alpha"
    assert shown_name(student_user, None) == "École Alpha"
    assert shown_name(student_user, world.master) == "Théo Secretnom"
    assert shown_name(world.master, world.customer_user) == "Marc Usineur"
    assert shown_name(colleague, world.customer_user) == "Paul Collègue"
    assert shown_name(colleague, world.rival_user) == "École Alpha"  # never another company's people
    assert shown_name(None, world.customer_user) is None


def test_a_student_sign_in_reaches_only_its_tasks(app, factory):
    scene = build_scene(factory, with_quotes=False)
    tablet = login_as(app.test_client(), scene.plan.student_user)
    assert tablet.get("/account").status_code == 403
    assert post(tablet, "/account", {"full_name": "Nouveau Nom", "locale": "fr"}).status_code == 403
    assert tablet.get("/my-tasks").status_code == 200
    assert tablet.get("/").headers["Location"].endswith("/my-tasks")
