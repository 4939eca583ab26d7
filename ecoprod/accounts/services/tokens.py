"""One-time links sent by e-mail; only the SHA-256 of their secret is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from ecoprod.accounts.models import (
    AuthToken,
    TokenPurpose,
    User,
)
from ecoprod.database import utcnow
from ecoprod.extensions import db


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, purpose: TokenPurpose, ttl: timedelta) -> str:
    """A fresh secret for a link; earlier unused tokens of the same purpose are voided."""
    now = utcnow()
    db.session.execute(
        sa.update(AuthToken)
        .where(AuthToken.user_id == user.id, AuthToken.purpose == purpose, AuthToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    raw = secrets.token_urlsafe(32)
    db.session.add(AuthToken(user_id=user.id, purpose=purpose, token_hash=_digest(raw), expires_at=now + ttl))
    return raw


def peek_token(raw: str, purpose: TokenPurpose) -> AuthToken | None:
    """The valid (unused, unexpired) token for this secret, without using it."""
    stmt = sa.select(AuthToken).where(
        AuthToken.token_hash == _digest(raw),
        AuthToken.purpose == purpose,
        AuthToken.used_at.is_(None),
        AuthToken.expires_at > utcnow(),
    )
    return db.session.scalars(stmt).one_or_none()


def token_user(token: AuthToken) -> User:
    """The owner of a token, whatever the current school scope (links come from e-mails)."""
    stmt = sa.select(User).where(User.id == token.user_id).execution_options(all_schools=True)
    return db.session.scalars(stmt).one()


def consume_token(raw: str, purpose: TokenPurpose) -> User | None:
    """Use the token once: a second use, an expired or unknown token gives None."""
    stmt = (
        sa.update(AuthToken)
        .where(
            AuthToken.token_hash == _digest(raw),
            AuthToken.purpose == purpose,
            AuthToken.used_at.is_(None),
            AuthToken.expires_at > utcnow(),
        )
        .values(used_at=utcnow())
        .returning(AuthToken.user_id)
        .execution_options(synchronize_session=False)
    )
    user_id = db.session.execute(stmt).scalar_one_or_none()
    if user_id is None:
        return None
    return db.session.scalars(
        sa.select(User).where(User.id == user_id).execution_options(all_schools=True)
    ).one()


def void_tokens(user: User) -> None:
    """Every unused link of this user stops working."""
    db.session.execute(
        sa.update(AuthToken)
        .where(AuthToken.user_id == user.id, AuthToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
