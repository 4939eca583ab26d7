"""Accounts made by the school: invitations (a link to choose a password) and password resets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from flask import current_app

from ecoprod import audit
from ecoprod.accounts.models import (
    Role,
    TokenPurpose,
    User,
    UserStatus,
)
from ecoprod.accounts.services.base import AccountError, find_user_by_email, new_user
from ecoprod.accounts.services.passwords import set_password
from ecoprod.accounts.services.tokens import consume_token, issue_token, peek_token, token_user
from ecoprod.customers.models import Customer
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.notifications.outbox import external_url, queue_email
from ecoprod.schools.models import School
from ecoprod.workshops.models import Workshop


def invite_user(
    school: School,
    *,
    email: str,
    full_name: str,
    role: Role,
    invited_by: User | None,
    customer: Customer | None = None,
    workshops: Sequence[Workshop] = (),
) -> User:
    """Create an account without a password and e-mail a one-time link to choose one."""
    if role is Role.OPERATOR:
        raise AccountError(str(_l("Operators cannot be invited into a school.")))
    if role is Role.CUSTOMER and customer is None:
        raise AccountError(str(_l("Choose the company of this customer user.")))
    user = new_user(school, email, full_name, role, UserStatus.INVITED)
    user.customer_id = customer.id if role is Role.CUSTOMER and customer else None
    if role is Role.MASTER:
        user.workshops = list(workshops)
    db.session.add(user)
    db.session.flush()
    send_invitation(user, invited_by)
    audit.record("user.invited", user, reference=role.value, school_level=True)
    return user


def send_invitation(user: User, invited_by: User | None) -> None:
    if user.status is not UserStatus.INVITED:
        raise AccountError(str(_l("Only invited users who have not joined yet can be re-invited.")))
    ttl = timedelta(hours=current_app.config["INVITATION_TTL_HOURS"])
    raw = issue_token(user, TokenPurpose.INVITATION, ttl)
    school = user.school or db.session.get(School, user.school_id)
    queue_email(
        user.email,
        "invitation",
        school_id=user.school_id,
        user=user,
        school=school,
        invited_by=invited_by,
        link=external_url("accounts.accept_invitation", token=raw),
        valid_days=ttl.days,
    )


def accept_invitation(raw_token: str, password: str) -> User:
    token = peek_token(raw_token, TokenPurpose.INVITATION)
    if token is None:
        raise AccountError(str(_l("This invitation link is no longer valid.")))
    invited = token_user(token)
    if invited.status is not UserStatus.INVITED:  # archived since, or already joined
        raise AccountError(str(_l("This invitation link is no longer valid.")))
    set_password(invited, password)
    user = consume_token(raw_token, TokenPurpose.INVITATION)
    if user is None:  # used by a concurrent request in between
        raise AccountError(str(_l("This invitation link is no longer valid.")))
    user.status = UserStatus.ACTIVE
    return user


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the address belongs to an active account; say nothing else."""
    user = find_user_by_email(email)
    if user is None or user.status is not UserStatus.ACTIVE:
        return
    ttl = timedelta(hours=current_app.config["PASSWORD_RESET_TTL_HOURS"])
    raw = issue_token(user, TokenPurpose.PASSWORD_RESET, ttl)
    queue_email(
        user.email,
        "password_reset",
        locale=user.locale,
        school_id=user.school_id,
        user=user,
        link=external_url("accounts.reset_password", token=raw),
        valid_hours=int(ttl.total_seconds() // 3600),
    )


def reset_password(raw_token: str, password: str) -> User:
    token = peek_token(raw_token, TokenPurpose.PASSWORD_RESET)
    if token is None:
        raise AccountError(str(_l("This password reset link is no longer valid.")))
    set_password(token_user(token), password)
    user = consume_token(raw_token, TokenPurpose.PASSWORD_RESET)
    if user is None:
        raise AccountError(str(_l("This password reset link is no longer valid.")))
    return user
