"""Who sees the school's VAT rates: the school's administrators. The school boundary is the tenant scope's
(``ecoprod.tenancy``); the rest is here, in the orders' pattern: ``visible_*`` for lists,
``load_*_or_404`` for one record (404 for what a user may not see)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from ecoprod.accounts.models import User
from ecoprod.extensions import db
from ecoprod.schools.models import VatRate


def can_see(user: User) -> bool:
    return user.is_admin


def visible_vat_rates(user: User) -> sa.Select[tuple[VatRate]]:
    stmt = sa.select(VatRate)
    return stmt if can_see(user) else stmt.where(sa.false())


def load_vat_rate_or_404(vat_rate_id: int, user: User) -> VatRate:
    vat_rate = db.get_or_404(VatRate, vat_rate_id)
    if not can_see(user):
        abort(404)
    return vat_rate
