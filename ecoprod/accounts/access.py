"""Who sees the school's accounts and sign-up requests: the school's administrators. The school boundary is the tenant scope's
(``ecoprod.tenancy``); the rest is here, in the orders' pattern: ``visible_*`` for lists,
``load_*_or_404`` for one record (404 for what a user may not see)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from ecoprod.accounts.models import SignupRequest, User
from ecoprod.extensions import db


def can_see(user: User) -> bool:
    return user.is_admin


def visible_users(user: User) -> sa.Select[tuple[User]]:
    stmt = sa.select(User)
    return stmt if can_see(user) else stmt.where(sa.false())


def load_user_or_404(user_id: int, viewer: User) -> User:
    user = db.get_or_404(User, user_id)
    if not can_see(viewer):
        abort(404)
    return user


def visible_signups(user: User) -> sa.Select[tuple[SignupRequest]]:
    stmt = sa.select(SignupRequest)
    return stmt if can_see(user) else stmt.where(sa.false())


def load_signup_or_404(signup_id: int, user: User) -> SignupRequest:
    signup = db.get_or_404(SignupRequest, signup_id)
    if not can_see(user):
        abort(404)
    return signup
