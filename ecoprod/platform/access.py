"""Who sees the network's schools and their figures: the platform operator only (no school's
own people: an administrator sees their school's figures on the dashboard)."""

from __future__ import annotations

from ecoprod.accounts.models import User


def can_see_network(user: User) -> bool:
    return user.is_operator
