"""What every account action shares: its error, the account that holds an address (a
sign-up nobody confirmed holds none), a new user under a free address."""

from __future__ import annotations

import sqlalchemy as sa

from ecoprod.accounts.models import (
    AuthToken,
    Role,
    SignupRequest,
    User,
    UserStatus,
)
from ecoprod.errors import ActionRefused
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.identifiers import normalise_email
from ecoprod.schools.models import School

MIN_PASSWORD_LENGTH = 10


class AccountError(ActionRefused):
    """A refused account action; the message is for the user, ``field`` says where."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message, field=field)


def find_user_by_email(email: str) -> User | None:
    """Across schools: an e-mail address identifies one person on the whole platform."""
    stmt = sa.select(User).where(User.email == normalise_email(email))
    return db.session.scalars(stmt.execution_options(all_schools=True)).one_or_none()


def new_user(school: School, email: str, full_name: str, role: Role, status: UserStatus) -> User:
    """A user of ``school`` under an address no account uses yet.

    A sign-up nobody confirmed from its e-mail holds no address: it gives way here."""
    email = normalise_email(email)
    if holder_of(email) is not None:
        raise AccountError(str(_l("An account already exists with this e-mail address.")), "email")
    return User(school_id=school.id, email=email, full_name=full_name.strip(), role=role, status=status)


def holder_of(email: str) -> User | None:
    """The account that holds an address; a sign-up nobody confirmed holds none (it is dropped)."""
    existing = find_user_by_email(email)
    if existing is not None and is_unconfirmed_signup(existing):
        drop_unconfirmed_signup(existing)
        return None
    return existing


def is_unconfirmed_signup(user: User) -> bool:
    """A pending sign-up whose address nobody confirmed yet (it proves nothing)."""
    if user.status is not UserStatus.PENDING:
        return False
    request = db.session.scalars(
        sa.select(SignupRequest).where(SignupRequest.user_id == user.id).execution_options(all_schools=True)
    ).one_or_none()
    return request is None or request.confirmed_at is None


def drop_unconfirmed_signup(user: User) -> None:
    """Forget an unconfirmed sign-up, its user and its link (in whichever school)."""
    for stmt in (
        sa.delete(AuthToken).where(AuthToken.user_id == user.id),
        sa.delete(SignupRequest).where(SignupRequest.user_id == user.id),
        sa.delete(User).where(User.id == user.id, User.status == UserStatus.PENDING),
    ):
        db.session.execute(stmt.execution_options(all_schools=True, synchronize_session=False))
    for obj in list(db.session):
        if obj is user or (isinstance(obj, SignupRequest) and obj.user_id == user.id):
            db.session.expunge(obj)
