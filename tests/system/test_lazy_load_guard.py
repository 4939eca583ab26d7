"""The N+1 guard of ``tests/lazy_loads.py`` sees a page that loads a relationship per row."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from ecoprod import create_app
from ecoprod.extensions import db
from ecoprod.orders.models import Order

from .. import lazy_loads
from ..conftest import make_config


def _app_with_a_careless_page(app: Flask, tmp_path: Path) -> Flask:
    careless = create_app(make_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path))

    @careless.get("/careless/<int:school_id>")
    def careless_list(school_id: int) -> str:
        orders = db.session.scalars(
            sa.select(Order).where(Order.school_id == school_id).execution_options(all_schools=True)
        ).all()
        return ",".join(str(len(order.lines)) for order in orders)  # one query per order

    @careless.get("/careful/<int:school_id>")
    def careful_list(school_id: int) -> str:
        orders = db.session.scalars(
            sa.select(Order)
            .where(Order.school_id == school_id)
            .options(sa.orm.selectinload(Order.lines))
            .execution_options(all_schools=True)
        ).all()
        return ",".join(str(len(order.lines)) for order in orders)

    return careless


def test_a_page_loading_lines_order_by_order_is_reported(app, factory, world, tmp_path):
    school = world.school
    for _ in range(4):
        factory.order(world.customer_user)
    careless = _app_with_a_careless_page(app, tmp_path)
    lazy_loads.install()
    lazy_loads.take()

    try:
        assert careless.test_client().get(f"/careless/{school.id}").status_code == 200
        found = lazy_loads.take()
        assert any("Order.lines loaded row by row" in line and "/careless/" in line for line in found), found

        assert careless.test_client().get(f"/careful/{school.id}").status_code == 200
        assert lazy_loads.take() == []
    finally:
        with careless.app_context():
            db.engine.dispose()  # its connections closed now, not by the garbage collector
