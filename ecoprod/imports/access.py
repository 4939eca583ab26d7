"""Who imports a school's spreadsheets: its administrators (404 for another school's files)."""

from __future__ import annotations

import sqlalchemy as sa

from ecoprod.accounts.models import User
from ecoprod.imports.models import ImportBatch
from ecoprod.visibility import found_if, visible_if


def can_import(user: User) -> bool:
    return user.is_admin


def visible_batches(user: User) -> sa.Select[tuple[ImportBatch]]:
    return visible_if(can_import(user), ImportBatch)


def load_batch_or_404(batch_id: int, user: User) -> ImportBatch:
    return found_if(can_import(user), ImportBatch, batch_id)
