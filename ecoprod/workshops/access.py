"""Who sees the workshops and their machines: the school's administrators.
The orders' pattern (``ecoprod.visibility``): ``visible_*`` for lists, ``load_*_or_404``
for one record, 404 for what one may not see."""

from __future__ import annotations

import sqlalchemy as sa

from ecoprod.accounts.models import User
from ecoprod.visibility import found_if, visible_if
from ecoprod.workshops.models import Machine, Workshop


def can_see(user: User) -> bool:
    return user.is_admin


def visible_workshops(user: User) -> sa.Select[tuple[Workshop]]:
    return visible_if(can_see(user), Workshop)


def load_workshop_or_404(workshop_id: int, user: User) -> Workshop:
    return found_if(can_see(user), Workshop, workshop_id)


def visible_machines(user: User) -> sa.Select[tuple[Machine]]:
    return visible_if(can_see(user), Machine)


def load_machine_or_404(machine_id: int, user: User) -> Machine:
    return found_if(can_see(user), Machine, machine_id)
