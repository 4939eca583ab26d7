"""The audit trail: actions recorded with who, when and from where; append-only in the ORM
and in the database; an administrator's filtered, paged, exportable log of their school;
the operator's log of every school's school-level events."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from ecoprod import audit
from ecoprod.audit import AuditEvent, AuditTampering
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from tests.conftest import login_as, post
from tests.factories import PASSWORD

BROWSER = {"User-Agent": "Mozilla/5.0 (Test) Navigateur", "X-Request-Id": "req-0042"}


def _events(**criteria: Any) -> list[AuditEvent]:
    db.session.expire_all()
    stmt = sa.select(AuditEvent).filter_by(**criteria).order_by(AuditEvent.id)
    return list(db.session.scalars(stmt))


def test_a_sign_in_its_refusal_and_a_sign_out_are_recorded_with_who_and_from_where(client, world) -> None:
    admin = world.admin
    page = client.get("/login")
    assert page.status_code == 200
    environ = {"REMOTE_ADDR": "203.0.113.7"}
    post(
        client,
        "/login",
        {"email": admin.email, "password": "wrong-password"},
        headers=BROWSER,
        environ_base=environ,
    )
    post(client, "/login", {"email": "nobody@nowhere.example", "password": "x"}, environ_base=environ)
    post(
        client, "/login", {"email": admin.email, "password": PASSWORD}, headers=BROWSER, environ_base=environ
    )
    post(client, "/logout", headers=BROWSER, environ_base=environ)

    refused = _events(action="sign_in.failed")
    assert [(e.school_id, e.object_id, e.actor_id) for e in refused] == [
        (world.school.id, admin.id, None),
        (None, None, None),  # an unknown address: nobody's, and not kept
    ]
    assert all("nobody" not in (e.reference or "") for e in refused)
    signed_in, signed_out = _events(action="sign_in")[0], _events(action="sign_out")[0]
    for event in (signed_in, signed_out, refused[0]):
        assert (event.ip, event.user_agent, event.request_id) == (
            "203.0.113.7",
            BROWSER["User-Agent"],
            "req-0042",
        )
    assert signed_in.actor_id == signed_out.actor_id == admin.id and signed_in.school_id == world.school.id
    assert signed_in.at is not None and signed_in.at.tzinfo is not None


def test_the_trail_refuses_changes_in_the_orm_and_in_sql(app, world) -> None:
    event = audit.record(
        "school.settings_changed", world.school, school_id=world.school.id, actor_id=world.admin.id
    )
    db.session.commit()
    event.action = "sign_in"
    with pytest.raises(AuditTampering):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(AuditTampering):
        db.session.flush()
    db.session.rollback()
    for statement in ("UPDATE audit_events SET action = 'sign_in'", "DELETE FROM audit_events"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.execute(sa.text(statement))
        db.session.rollback()
    assert [(e.id, e.action) for e in _events()] == [(event.id, "school.settings_changed")]


def test_business_actions_and_record_views_land_in_the_trail(app, client, factory) -> None:
    from tests.system.access.scene import build_scene

    scene = build_scene(factory, with_quotes=True, with_invoices=True)
    world = scene.world
    actions = {e.action for e in _events(school_id=world.school.id)}
    assert {"quote.sent", "quote.accepted", "delivery.issued", "invoice.issued"} <= actions
    issued = _events(action="invoice.issued")[0]
    assert (issued.object_type, issued.object_id, issued.reference) == (
        "Invoice",
        scene.invoice.id,
        scene.invoice.number,
    )

    admin = login_as(client, world.admin)
    student = scene.plan.classmate
    assert admin.get(f"/planning/students/{student.id}").status_code == 200
    assert admin.get(f"/skills/students/{student.id}").status_code == 200
    start = local_today() - timedelta(days=30)
    assert admin.get(f"/exports/journal.csv?start={start}&end={local_today()}").status_code == 200
    viewed = {(e.action, e.object_id, e.actor_id) for e in _events() if e.action.startswith("student.")}
    assert viewed == {
        ("student.viewed", student.id, world.admin.id),
        ("student.skills_viewed", student.id, world.admin.id),
    }
    exported = _events(action="export.journal")
    assert len(exported) == 1 and exported[0].school_level


def _fill(world: Any, n: int) -> None:
    for i in range(n):
        audit.record("sign_in", world.admin, actor_id=world.admin.id, school_id=world.school.id)
        if i % 10 == 0:
            audit.record(
                "user.archived",
                world.master,
                actor_id=world.admin.id,
                school_id=world.school.id,
                school_level=True,
            )
    audit.record("sign_in", world.other_admin, actor_id=world.other_admin.id, school_id=world.other_school.id)
    audit.record(
        "school.settings_changed",
        world.other_school,
        actor_id=world.other_admin.id,
        school_id=world.other_school.id,
        school_level=True,
    )
    db.session.commit()


def test_an_administrator_pages_filters_and_exports_the_log_of_their_school(app, client, world) -> None:
    _fill(world, 60)
    admin = login_as(client, world.admin)
    first = admin.get("/admin/audit")
    body = first.get_data(as_text=True)
    assert first.status_code == 200 and body.count("<tr>") == 1 + 25
    assert world.admin.full_name in body and "Connexion" in body  # French by default
    assert "after=" in body  # keyset: the next page by cursor
    nxt = admin.get(
        "/admin/audit?" + body.split('href="/admin/audit?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    )
    assert nxt.status_code == 200 and nxt.get_data(as_text=True).count("<tr>") == 1 + 25

    archived = admin.get("/admin/audit?action=user.archived").get_data(as_text=True)
    assert archived.count("<tr>") == 1 + 6
    mine = admin.get(f"/admin/audit?person={world.other_admin.id}&action=")  # not a person of the school
    assert mine.status_code == 200
    empty = admin.get(f"/admin/audit?start={local_today() + timedelta(days=1)}").get_data(as_text=True)
    assert "<tbody>" not in empty
    wrong = admin.get(f"/admin/audit?start={local_today()}&end={local_today() - timedelta(days=3)}")
    assert wrong.status_code == 200
    assert 'id="end-error"' in wrong.get_data(as_text=True)  # beside the field, nothing filtered

    exported = admin.get("/admin/audit.csv?action=user.archived")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    lines = exported.get_data(as_text=True).lstrip("\ufeff").strip().splitlines()
    assert len(lines) == 1 + 6 and all(world.admin.full_name in line for line in lines[1:])
    assert not any("settings" in line.lower() or "paramètres" in line.lower() for line in lines)
    assert len(_events(action="export.audit", school_id=world.school.id)) == 1


def test_each_reader_sees_only_what_is_theirs(app, client, world) -> None:
    _fill(world, 3)
    other = login_as(app.test_client(), world.other_admin).get("/admin/audit.csv").get_data(as_text=True)
    assert world.admin.full_name not in other and world.other_admin.full_name in other
    operator = login_as(app.test_client(), world.operator)
    shown = operator.get("/platform/audit.csv").get_data(as_text=True).lstrip("\ufeff").strip().splitlines()
    assert len(shown) == 1 + 2 + 1  # the school-level events of both schools, none of the sign-ins
    assert any(world.school.name in line for line in shown) and any(
        world.other_school.name in line for line in shown
    )
    assert login_as(app.test_client(), world.master).get("/admin/audit").status_code == 403
