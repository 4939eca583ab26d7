"""Passwords and sessions: hashing, strength, signing in, ending every session of a user."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from ecoprod import audit
from ecoprod.accounts.models import (
    User,
    UserStatus,
    new_session_token,
)
from ecoprod.accounts.services.base import MIN_PASSWORD_LENGTH, AccountError, find_user_by_email
from ecoprod.database import utcnow
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l

# Compared against when the e-mail is unknown, so a miss costs as much time as a hit.
_DUMMY_HASH: dict[str, str] = {}

# Every request of a signed-in user starts with this query: built once (and its cache key
# with it) rather than at each request.
_SESSION_USER = (
    sa.select(User)
    .where(User.id == sa.bindparam("user_id"))
    .options(sa.orm.joinedload(User.school))  # every page shows it: one query for both
    .execution_options(all_schools=True)
)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password_strength(password: str, user_facts: Sequence[str] = ()) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            str(_l("The password must be at least %(n)s characters long.", n=MIN_PASSWORD_LENGTH)), "password"
        )
    lowered = password.lower()
    if any(fact and len(fact) >= 4 and fact.lower() in lowered for fact in user_facts):
        raise AccountError(str(_l("The password must not contain your name or e-mail address.")), "password")


def load_session_user(cookie_id: str) -> User | None:
    """Flask-Login's loader: ``<id>:<session token>``; a stale token loads nobody."""
    user_id, _, token = cookie_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.scalars(_SESSION_USER, {"user_id": int(user_id)}).one_or_none()
    if user is None or not secrets.compare_digest(user.session_token, token):
        return None
    if user.school is not None and not user.school.is_active:
        return None
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same work either way)."""
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        dummy = _DUMMY_HASH.setdefault(method, generate_password_hash("x" * 16, method=method))
        check_password_hash(dummy, password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    if user.status is not UserStatus.ACTIVE:
        return None
    if user.school is not None and not user.school.is_active:
        return None
    return user


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    audit.record("sign_in", user, actor_id=user.id, school_id=user.school_id)


def record_failed_login(email: str) -> None:
    """A refused sign-in, on the account of that address if there is one (the address
    itself is not kept: it may be anybody's typing)."""
    user = find_user_by_email(email)
    audit.record("sign_in.failed", user, school_id=user.school_id if user else None)


def record_logout(user: User) -> None:
    audit.record("sign_out", user, actor_id=user.id, school_id=user.school_id)


def end_sessions(user: User) -> None:
    """Void every login cookie of this user (logout, password change)."""
    user.session_token = new_session_token()


def set_password(user: User, password: str) -> None:
    check_password_strength(password, (user.email.split("@")[0], *user.full_name.split()))
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    end_sessions(user)


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not user.password_hash or not check_password_hash(user.password_hash, current_password):
        raise AccountError(str(_l("The current password is not correct.")), "current_password")
    set_password(user, new_password)
