"""The access matrix: the school's e-invoicing platform (administrators of the school only)."""

from __future__ import annotations

from datetime import date

import pytest

from ecoprod import documents
from ecoprod.database import utcnow
from ecoprod.einvoicing.models import EReport, Flux
from ecoprod.extensions import db
from ecoprod.invoicing.models import Invoice
from tests.system.access.scene import ADMIN_ACTION, ADMIN_OBJECT, ADMIN_PAGE, Case, Scene, expect, run_case, w


def _report(scene: Scene) -> int:
    """A report of school A with its file (made once per scene)."""
    if not hasattr(scene, "report_id"):
        school_id = scene.world.school.id
        report = EReport(
            school_id=school_id,
            flux=Flux.SALES_INDIVIDUALS,
            period_start=date(2026, 9, 1),
            period_end=date(2026, 9, 10),
            report_id="ECOPROD-000000000-103-20260901-1",
            digest="0" * 64,
            file_sha256=documents.keep(db.session, school_id, b"<Report/>", "application/xml"),
            built_at=utcnow(),
        )
        db.session.add(report)
        db.session.commit()
        scene.report_id = report.id
    return scene.report_id


ROUTES: dict[str, Case] = {
    "einvoicing.connection": Case("GET", lambda s: "/admin/e-invoicing", ADMIN_PAGE),
    # Each administrator tests their own school's connection (none here: back to the page).
    "einvoicing.test": Case(
        "POST", lambda s: "/admin/e-invoicing/test", expect(403, anonymous=302, admin=302, other_admin=302)
    ),
    # An administrator asks the annuaire about a customer of their school (no platform here:
    # the refusal is shown on the customer's page); another school's customer is not found.
    "einvoicing.check_directory": Case(
        "POST", w("company", "/admin/e-invoicing/customers/{id}/directory"), ADMIN_ACTION
    ),
    # XP Z12-014's correction of a rejected invoice (this one was never sent: refused, back to
    # it, unchanged); another school's invoice is not found.
    "einvoicing.replace_invoice": Case(
        "POST",
        lambda s: f"/admin/e-invoicing/invoices/{s.invoice.id}/replace",
        ADMIN_ACTION,
        changes=lambda s: db.session.get(Invoice, s.invoice.id).cancelled_by_id,
    ),
    # The school's e-reporting: its page, building the ended periods now (no platform here:
    # nothing to build, back to the page), a report's file (another school's: not found).
    "einvoicing.reports": Case("GET", lambda s: "/admin/e-invoicing/e-reporting", ADMIN_PAGE),
    "einvoicing.prepare_reports": Case(
        "POST",
        lambda s: "/admin/e-invoicing/e-reporting/prepare",
        expect(403, anonymous=302, admin=302, other_admin=302),
    ),
    "einvoicing.report_file": Case(
        "GET", lambda s: f"/admin/e-invoicing/e-reporting/{_report(s)}.xml", ADMIN_OBJECT
    ),
    # The platform's calls: no session, an address no one can guess (its tests: test_statuses).
    "einvoicing.webhook": Case("POST", lambda s: "/einvoicing/webhook/no-such-address", expect(404)),
}


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_as_every_role(app, factory, endpoint):
    run_case(app, factory, endpoint, ROUTES[endpoint])
