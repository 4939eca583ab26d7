"""Who may see and change the school's e-invoicing: its administrators (the roles' decorator
``admin_required`` answers 403 to others); a connection is read within the school's scope."""

from __future__ import annotations

from ecoprod.accounts.models import User


def can_manage_connection(user: User) -> bool:
    return user.is_admin
