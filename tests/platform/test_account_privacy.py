"""A customer user's data on request: the export of their account, and its erasure, which
leaves their company's orders, quotes and invoices as they were."""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa

from ecoprod.accounts.models import User, UserStatus
from ecoprod.audit import AuditEvent
from ecoprod.extensions import db
from ecoprod.orders.models import Order
from tests.conftest import login_as, post
from tests.system.access.scene import build_scene


def test_a_customer_user_gets_their_data_and_is_erased_without_touching_the_orders(app, factory) -> None:
    scene = build_scene(factory, with_quotes=True, with_invoices=True)
    world, person = scene.world, scene.world.customer_user
    name, email = person.full_name, person.email
    orders_before = db.session.scalars(sa.select(Order.id).where(Order.created_by_id == person.id)).all()
    invoice_sha = scene.invoice.pdf_sha256
    db.session.commit()

    admin = login_as(app.test_client(), world.admin)
    got = admin.get(f"/admin/users/{person.id}/data.json")
    assert got.status_code == 200 and got.mimetype == "application/json"
    data = json.loads(got.data)
    assert data["account"]["email"] == email and data["account"]["company"] == world.company.name
    assert {r["number"] for r in data["requests_created"]} and data["quotes_answered"][0]["name_typed"]
    assert (
        login_as(app.test_client(), world.other_admin).get(f"/admin/users/{person.id}/data.json").status_code
        == 404
    )

    assert (
        post(admin, f"/admin/users/{world.master.id}/erase", {"confirm": world.master.full_name}).status_code
        == 403
    )
    refused = post(admin, f"/admin/users/{person.id}/erase", {"confirm": "quelqu'un"})
    assert refused.status_code == 400 and 'id="confirm-error"' in refused.get_data(as_text=True)
    assert post(admin, f"/admin/users/{person.id}/erase", {"confirm": name}).status_code == 302

    db.session.expire_all()
    erased = db.session.get(User, person.id)
    assert erased.full_name == f"Personne anonyme n° {person.id}" and erased.email.startswith("efface-")
    assert erased.password_hash is None and erased.status is UserStatus.ARCHIVED and erased.phone is None
    assert (
        db.session.scalars(sa.select(Order.id).where(Order.created_by_id == person.id)).all() == orders_before
    )
    for page in (
        "/requests",
        "/invoices",
        "/admin/users?status=archived",
        f"/admin/customers/{world.company.id}",
    ):
        shown = admin.get(page)
        body = shown.get_data(as_text=True)
        assert shown.status_code == 200 and name not in body and email not in body, page
    pdf = admin.get(f"/invoices/{scene.invoice.id}/pdf").data
    assert hashlib.sha256(pdf).hexdigest() == invoice_sha
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_id == person.id)).all()
    assert {"user.data_exported", "user.erased"} <= set(actions)
