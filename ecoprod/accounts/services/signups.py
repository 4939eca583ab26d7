"""Customers who sign up alone: the same answer for every address, the address confirmed by
e-mail (where the password is chosen), then an administrator's decision. A sign-up nobody
confirmed holds no address and expires."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ecoprod.accounts.models import (
    Role,
    SignupRequest,
    SignupStatus,
    TokenPurpose,
    User,
    UserStatus,
)
from ecoprod.accounts.services.base import AccountError, drop_unconfirmed_signup, holder_of, new_user
from ecoprod.accounts.services.passwords import end_sessions, set_password
from ecoprod.accounts.services.tokens import consume_token, issue_token, peek_token, token_user, void_tokens
from ecoprod.customers.models import Customer, set_company_identifier
from ecoprod.database import utcnow
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.identifiers import normalise_email, siren_of
from ecoprod.notifications.outbox import external_url, queue_email
from ecoprod.schools.models import School


def purge_unconfirmed_signups() -> int:
    """Remove the sign-ups not confirmed in time; how many there were."""
    ttl = timedelta(hours=current_app.config["SIGNUP_CONFIRMATION_TTL_HOURS"])
    stale = db.session.scalars(
        sa.select(User)
        .join(SignupRequest, SignupRequest.user_id == User.id)
        .where(
            User.status == UserStatus.PENDING,
            SignupRequest.confirmed_at.is_(None),
            SignupRequest.created_at < utcnow() - ttl,
        )
        .execution_options(all_schools=True)
    ).all()
    for user in stale:
        drop_unconfirmed_signup(user)
    return len(stale)


def sign_up(
    school: School, *, email: str, full_name: str, company_name: str, siret: str | None
) -> SignupRequest | None:
    """A company user registers alone; what follows happens by e-mail, never on the page.

    The page says the same thing whatever the address (no enumeration). An address no
    account uses gets a link to confirm it and choose a password; the administrators hear
    of the sign-up only then. An address an account uses gets a note saying so, for its
    owner. A sign-up nobody confirmed holds nothing: a new one replaces it.
    """
    purge_unconfirmed_signups()
    email = normalise_email(email)
    existing = holder_of(email)
    if existing is not None:
        queue_email(
            existing.email,
            "signup_account_exists",
            locale=existing.locale,
            school_id=school.id,
            user=existing,
            school=school,
            awaiting=existing.status is UserStatus.PENDING,
            login=external_url("accounts.login"),
            reset=external_url("accounts.forgot_password"),
        )
        return None
    user = new_user(school, email, full_name, Role.CUSTOMER, UserStatus.PENDING)
    request = SignupRequest(school_id=school.id, user=user, company_name=company_name.strip(), siret=siret)
    db.session.add_all([user, request])
    db.session.flush()
    ttl = timedelta(hours=current_app.config["SIGNUP_CONFIRMATION_TTL_HOURS"])
    raw = issue_token(user, TokenPurpose.SIGNUP, ttl)
    queue_email(
        user.email,
        "signup_confirm",
        school_id=school.id,
        user=user,
        school=school,
        request=request,
        link=external_url("accounts.confirm_signup", token=raw),
        valid_hours=int(ttl.total_seconds() // 3600),
    )
    return request


def signup_of(user: User) -> SignupRequest:
    return db.session.scalars(sa.select(SignupRequest).where(SignupRequest.user_id == user.id)).one()


def confirm_signup(raw_token: str, password: str) -> SignupRequest:
    """The address is the person's: they choose a password, the administrators are told."""
    token = peek_token(raw_token, TokenPurpose.SIGNUP)
    if token is None:
        raise AccountError(str(_l("This confirmation link is no longer valid.")))
    user = token_user(token)
    if user.status is not UserStatus.PENDING:
        raise AccountError(str(_l("This confirmation link is no longer valid.")))
    set_password(user, password)
    if consume_token(raw_token, TokenPurpose.SIGNUP) is None:
        raise AccountError(str(_l("This confirmation link is no longer valid.")))
    request = signup_of(user)
    request.confirmed_at = utcnow()
    admins = db.session.scalars(
        sa.select(User).where(
            User.school_id == request.school_id, User.role == Role.ADMIN, User.status == UserStatus.ACTIVE
        )
    )
    for admin in admins:
        queue_email(
            admin.email,
            "signup_received",
            locale=admin.locale,
            school_id=request.school_id,
            request=request,
            link=external_url("accounts.users", status="pending"),
        )
    return request


def matching_customer(request: SignupRequest) -> Customer | None:
    """The existing company with the sign-up's SIREN, if there is one."""
    siren = siren_of(request.siret)
    if not siren:
        return None
    stmt = sa.select(Customer).where(Customer.siren == siren, Customer.archived_at.is_(None))
    return db.session.scalars(stmt.limit(1)).first()


def _decide(request: SignupRequest, decided_by: User, status: SignupStatus) -> None:
    if request.status is not SignupStatus.PENDING or request.confirmed_at is None:
        raise AccountError(str(_l("This sign-up has already been decided.")))
    request.status = status
    request.decided_by_id = decided_by.id
    request.decided_at = utcnow()


def approve_signup(request: SignupRequest, decided_by: User, customer: Customer | None) -> Customer:
    """Activate the user, in the given company or in a new one made from the sign-up."""
    _decide(request, decided_by, SignupStatus.APPROVED)
    if customer is None:
        customer = Customer(school_id=request.school_id, name=request.company_name, email=request.user.email)
        set_company_identifier(customer, request.siret)
        db.session.add(customer)
        db.session.flush()
    request.user.customer_id = customer.id
    request.user.status = UserStatus.ACTIVE
    queue_email(
        request.user.email,
        "signup_approved",
        school_id=request.school_id,
        user=request.user,
        school=request.user.school,
        link=external_url("accounts.login"),
    )
    return customer


def reject_signup(request: SignupRequest, decided_by: User) -> None:
    _decide(request, decided_by, SignupStatus.REJECTED)
    request.user.status = UserStatus.ARCHIVED
    end_sessions(request.user)
    void_tokens(request.user)
