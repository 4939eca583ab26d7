"""Who sees the workshops and their machines: the school's administrators. The school boundary is the tenant scope's
(``ecoprod.tenancy``); the rest is here, in the orders' pattern: ``visible_*`` for lists,
``load_*_or_404`` for one record (404 for what a user may not see)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from ecoprod.accounts.models import User
from ecoprod.extensions import db
from ecoprod.workshops.models import Machine, Workshop


def can_see(user: User) -> bool:
    return user.is_admin


def visible_workshops(user: User) -> sa.Select[tuple[Workshop]]:
    stmt = sa.select(Workshop)
    return stmt if can_see(user) else stmt.where(sa.false())


def load_workshop_or_404(workshop_id: int, user: User) -> Workshop:
    workshop = db.get_or_404(Workshop, workshop_id)
    if not can_see(user):
        abort(404)
    return workshop


def visible_machines(user: User) -> sa.Select[tuple[Machine]]:
    stmt = sa.select(Machine)
    return stmt if can_see(user) else stmt.where(sa.false())


def load_machine_or_404(machine_id: int, user: User) -> Machine:
    machine = db.get_or_404(Machine, machine_id)
    if not can_see(user):
        abort(404)
    return machine
