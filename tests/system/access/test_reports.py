"""The access matrix: the school's activity report (its administrators; another school's
administrator reads their own), the network's (the operator), an order's material costs (the
school's staff; another school: not found; customers: refused)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ecoprod.extensions import db
from ecoprod.reports.models import MaterialCost
from ecoprod.tenancy import scoped_to
from tests.system.access.scene import ADMIN_PAGE, OPERATOR_PAGE, STAFF_ACTION, Case, Scene, count, run_case


def _cost_url(scene: Scene) -> str:
    order = scene.plan.order
    with scoped_to(db.session, order.school_id):
        cost = db.session.scalars(sa.select(MaterialCost).where(MaterialCost.order_id == order.id)).first()
        if cost is None:
            cost = MaterialCost(
                school_id=order.school_id,
                order_id=order.id,
                label="Acier",
                amount=Decimal("40"),
                spent_on=date.today(),
            )
            db.session.add(cost)
            db.session.commit()
        return f"/requests/{order.id}/material-costs/{cost.id}/delete"


def _costs(scene: Scene) -> int:
    """The material costs, once the one the route removes is there."""
    _cost_url(scene)
    return count(MaterialCost)(scene)


ROUTES: dict[str, Case] = {
    "reports.school": Case("GET", lambda s: "/reports/activity", ADMIN_PAGE),
    "reports.school_pdf": Case("GET", lambda s: "/reports/activity.pdf", ADMIN_PAGE),
    "reports.school_xlsx": Case("GET", lambda s: "/reports/activity.xlsx", ADMIN_PAGE),
    "reports.network": Case("GET", lambda s: "/platform/reports", OPERATOR_PAGE),
    "reports.network_pdf": Case("GET", lambda s: "/platform/reports.pdf", OPERATOR_PAGE),
    "reports.network_xlsx": Case("GET", lambda s: "/platform/reports.xlsx", OPERATOR_PAGE),
    "reports.record_cost": Case(
        "POST",
        lambda s: f"/requests/{s.plan.order.id}/material-costs",
        STAFF_ACTION,
        data=lambda s: {
            "cost-label": "Tôle",
            "cost-amount": "12,50",
            "cost-spent_on": date.today().isoformat(),
        },
        changes=count(MaterialCost),
    ),
    "reports.delete_cost": Case("POST", _cost_url, STAFF_ACTION, changes=_costs),
}


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_as_every_role(app, factory, endpoint):
    run_case(app, factory, endpoint, ROUTES[endpoint])
