"""Archiving and restoring a user."""

from __future__ import annotations

from ecoprod import audit
from ecoprod.accounts.models import (
    User,
    UserStatus,
)
from ecoprod.accounts.services.base import AccountError
from ecoprod.accounts.services.passwords import end_sessions
from ecoprod.accounts.services.tokens import void_tokens
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.signals import user_archived


def archive_user(user: User, by: User) -> None:
    if user.id == by.id:
        raise AccountError(str(_l("You cannot archive your own account.")))
    user.status = UserStatus.ARCHIVED
    end_sessions(user)
    void_tokens(user)
    user_archived.send(user)
    audit.record("user.archived", user, actor_id=by.id, school_level=True)


def restore_user(user: User) -> None:
    if user.status is not UserStatus.ARCHIVED:
        return
    if user.is_customer and user.customer_id is None:
        raise AccountError(
            str(_l("A refused sign-up cannot be restored: invite the person from their company's page."))
        )
    user.status = UserStatus.ACTIVE if user.password_hash else UserStatus.INVITED
