"""The access matrix: imports of spreadsheets (a school's administrators only; another
school's file is 404)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ecoprod.extensions import db
from ecoprod.imports import services
from ecoprod.imports.models import ImportBatch
from ecoprod.tenancy import scoped_to
from tests.imports.files import xlsx
from tests.system.access.scene import ADMIN_ACTION, ADMIN_OBJECT, ADMIN_PAGE, Case, Scene, expect, run_case


def _batch(scene: Scene) -> int:
    """A file waiting for confirmation in school A (made once per scene)."""
    if getattr(scene, "import_batch_id", None) is None:
        world = scene.world
        with scoped_to(db.session, world.school.id):
            data = xlsx([["Code", "Compétence"], ["C7", "Contrôler une pièce"]])
            batch = services.upload(world.school.id, world.admin.id, "competences", "c.xlsx", data)
            db.session.commit()
        scene.import_batch_id = batch.id  # type: ignore[attr-defined]
    return scene.import_batch_id  # type: ignore[attr-defined]


def _state(scene: Scene) -> tuple[int, int]:
    batch_id = _batch(scene)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(ImportBatch))
    applied = db.session.scalar(sa.select(ImportBatch.applied_at).where(ImportBatch.id == batch_id))
    return count, applied is not None


ROUTES: dict[str, Case] = {
    "imports.index": Case("GET", lambda s: "/admin/imports/", ADMIN_PAGE),
    # Without a file the form comes back with its message (200) and nothing is kept.
    "imports.upload": Case(
        "POST",
        lambda s: "/admin/imports/",
        expect(403, anonymous=302, admin=200, other_admin=200),
        data=lambda s: {"kind": "customers"},
        changes=lambda s: db.session.scalar(sa.select(sa.func.count()).select_from(ImportBatch)),
    ),
    "imports.template": Case("GET", lambda s: "/admin/imports/template/customers.xlsx", ADMIN_PAGE),
    "imports.preview": Case("GET", lambda s: f"/admin/imports/{_batch(s)}", ADMIN_OBJECT),
    "imports.confirm": Case(
        "POST", lambda s: f"/admin/imports/{_batch(s)}/confirm", ADMIN_ACTION, changes=_state
    ),
    "imports.discard": Case(
        "POST", lambda s: f"/admin/imports/{_batch(s)}/discard", ADMIN_ACTION, changes=_state
    ),
}


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_as_every_role(app, factory, endpoint):
    run_case(app, factory, endpoint, ROUTES[endpoint])
