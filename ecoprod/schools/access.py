"""Who sees the school's VAT rates: the school's administrators.
The orders' pattern (``ecoprod.visibility``): ``visible_*`` for lists, ``load_*_or_404``
for one record, 404 for what one may not see."""

from __future__ import annotations

import sqlalchemy as sa

from ecoprod.accounts.models import User
from ecoprod.schools.models import VatRate
from ecoprod.visibility import found_if, visible_if


def can_see(user: User) -> bool:
    return user.is_admin


def visible_vat_rates(user: User) -> sa.Select[tuple[VatRate]]:
    return visible_if(can_see(user), VatRate)


def load_vat_rate_or_404(vat_rate_id: int, user: User) -> VatRate:
    return found_if(can_see(user), VatRate, vat_rate_id)
