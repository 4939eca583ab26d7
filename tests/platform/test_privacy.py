"""A student's data on request (RGPD): the family's export, and erasure after which no page,
PDF, CSV, calendar feed or export names them, while every issued invoice is unchanged."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import sqlalchemy as sa
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from ecoprod.accounts.models import User, UserStatus
from ecoprod.audit import AuditEvent
from ecoprod.documents import StoredDocument
from ecoprod.extensions import db
from ecoprod.students.models import Student
from tests.conftest import login_as, post
from tests.system.access.routes import MATRIX
from tests.system.access.scene import build_scene

ROLES_THAT_READ = ("admin", "master", "student", "customer", "operator")


def _pdf_text(data: bytes) -> str:
    try:
        return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    except (ValueError, KeyError, IndexError, PdfReadError):  # an uploaded drawing, not ours
        return data.decode("latin-1")


def test_a_family_receives_everything_held_about_the_student(app, factory) -> None:
    scene = build_scene(factory, with_quotes=False)
    world, student = scene.world, scene.world.student
    admin = login_as(app.test_client(), world.admin)
    got = admin.get(f"/admin/students/{student.id}/data.zip")
    assert got.status_code == 200 and got.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(got.data))
    assert sorted(archive.namelist()) == ["donnees.json", "livret-de-competences.pdf"]
    data = json.loads(archive.read("donnees.json"))
    assert data["student"]["last_name"] == "Secretnom" and data["student"]["birth_date"]
    assert data["sign_in"]["email"] == scene.plan.student_user.email
    assert data["assignments"] and all(a["order"] for a in data["assignments"])
    assert {
        "absences",
        "medical_opinions",
        "safety_trainings",
        "time_logged",
        "competences_signed_off",
    } <= set(data)
    assert "Secretnom" in _pdf_text(archive.read("livret-de-competences.pdf"))
    exported = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "student.data_exported")
    ).all()
    assert [(e.object_id, e.actor_id) for e in exported] == [(student.id, world.admin.id)]
    assert (
        login_as(app.test_client(), world.other_admin)
        .get(f"/admin/students/{student.id}/data.zip")
        .status_code
        == 404
    )
    assert (
        login_as(app.test_client(), world.master).get(f"/admin/students/{student.id}/data.zip").status_code
        == 403
    )


def _documents() -> dict[str, str]:
    rows = db.session.execute(
        sa.select(StoredDocument.sha256, StoredDocument.data).execution_options(all_schools=True)
    )
    return {sha: hashlib.sha256(data).hexdigest() for sha, data in rows}


def test_after_erasure_nothing_names_the_student_and_invoices_are_unchanged(app, factory) -> None:
    scene = build_scene(factory, with_quotes=True, with_invoices=True)
    world, student = scene.world, scene.world.student
    gets = {e: c.url(scene) for e, c in MATRIX.items() if c.method == "GET"}
    sessions = {r: scene.users[r].get_id() for r in ROLES_THAT_READ}
    invoice_pdf = login_as(app.test_client(), world.admin).get(f"/invoices/{scene.invoice.id}/pdf").data
    documents = _documents()
    db.session.commit()

    admin = login_as(app.test_client(), world.admin)
    refused = post(admin, f"/admin/students/{student.id}/erase", {"confirm": "Quelqu'un d'autre"})
    assert refused.status_code == 400 and 'id="confirm-error"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Student, student.id).last_name == "Secretnom"  # nothing changed

    done = post(admin, f"/admin/students/{student.id}/erase", {"confirm": "théo secretnom"})
    assert done.status_code == 302
    db.session.expire_all()
    erased = db.session.get(Student, student.id)
    assert (erased.first_name, erased.last_name) == ("Élève", f"anonyme n° {student.id}")
    assert erased.birth_date.month == erased.birth_date.day == 1 and erased.archived_at is not None

    for role in ROLES_THAT_READ:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = sessions[role], True
        for endpoint, url in gets.items():
            response = client.get(url)
            body = response.get_data()
            response.close()
            text = _pdf_text(body) if body.startswith(b"%PDF") else body.decode("utf-8", "replace")
            if body.startswith(b"PK"):
                text = " ".join(
                    zipfile.ZipFile(io.BytesIO(body)).read(n).decode("utf-8", "replace")
                    for n in zipfile.ZipFile(io.BytesIO(body)).namelist()
                    if n.endswith(".json")
                )
            assert "Secretnom" not in text, f"{endpoint} as {role} still names the student"
    for url in (
        f"/skills/students/{student.id}.pdf",
        f"/skills/students/{student.id}.csv",
        f"/admin/students/{student.id}/data.zip",
    ):
        body = admin.get(url).data
        text = _pdf_text(body) if body.startswith(b"%PDF") else body.decode("utf-8", "replace")
        if body.startswith(b"PK"):
            text = zipfile.ZipFile(io.BytesIO(body)).read("donnees.json").decode()
        assert "Secretnom" not in text and "Théo" not in text, url
    assert _documents() == documents and all(sha == digest for sha, digest in documents.items())
    again = login_as(app.test_client(), world.admin).get(f"/invoices/{scene.invoice.id}/pdf").data
    assert (
        hashlib.sha256(again).hexdigest()
        == hashlib.sha256(invoice_pdf).hexdigest()
        == scene.invoice.pdf_sha256
    )
    account = db.session.get(User, scene.plan.student_user.id)  # the sign-in is nobody's and closed
    assert account.email.startswith("efface-") and account.password_hash is None
    assert account.status is UserStatus.ARCHIVED and "Secretnom" not in account.full_name
    about = sa.select(AuditEvent.action).where(
        AuditEvent.object_type == "Student", AuditEvent.object_id == student.id
    )
    assert "student.erased" in db.session.scalars(about).all()
