"""Who sees the school's accounts and sign-up requests: the school's administrators.
The orders' pattern (``ecoprod.visibility``): ``visible_*`` for lists, ``load_*_or_404``
for one record, 404 for what one may not see."""

from __future__ import annotations

import sqlalchemy as sa

from ecoprod.accounts.models import SignupRequest, User
from ecoprod.visibility import found_if, visible_if


def can_see(user: User) -> bool:
    return user.is_admin


def visible_users(viewer: User) -> sa.Select[tuple[User]]:
    return visible_if(can_see(viewer), User)


def load_user_or_404(user_id: int, viewer: User) -> User:
    return found_if(can_see(viewer), User, user_id)


def visible_signups(user: User) -> sa.Select[tuple[SignupRequest]]:
    return visible_if(can_see(user), SignupRequest)


def load_signup_or_404(signup_id: int, user: User) -> SignupRequest:
    return found_if(can_see(user), SignupRequest, signup_id)
