"""Named actions on accounts. They change data and flush; the caller commits."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from ecoprod.accounts.models import (
    AuthToken,
    Role,
    SignupRequest,
    SignupStatus,
    TokenPurpose,
    User,
    UserStatus,
    new_session_token,
)
from ecoprod.customers.models import Customer, set_company_identifier
from ecoprod.database import utcnow
from ecoprod.errors import ActionRefused
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.identifiers import normalise_email, siren_of
from ecoprod.notifications.outbox import external_url, queue_email
from ecoprod.schools.models import School
from ecoprod.signals import user_archived
from ecoprod.workshops.models import Workshop

MIN_PASSWORD_LENGTH = 10
# Compared against when the e-mail is unknown, so a miss costs as much time as a hit.
_DUMMY_HASH: dict[str, str] = {}


class AccountError(ActionRefused):
    """A refused account action; the message is for the user, ``field`` says where."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message, field=field)


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


def find_user_by_email(email: str) -> User | None:
    """Across schools: an e-mail address identifies one person on the whole platform."""
    stmt = sa.select(User).where(User.email == normalise_email(email))
    return db.session.scalars(stmt.execution_options(all_schools=True)).one_or_none()


def load_session_user(cookie_id: str) -> User | None:
    """Flask-Login's loader: ``<id>:<session token>``; a stale token loads nobody."""
    user_id, _, token = cookie_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    stmt = (
        sa.select(User)
        .where(User.id == int(user_id))
        .options(sa.orm.joinedload(User.school))  # every page shows it: one query for both
        .execution_options(all_schools=True)
    )
    user = db.session.scalars(stmt).one_or_none()
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


# --- One-time tokens -------------------------------------------------------------------


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


# --- Invitations, password reset, sign-up ------------------------------------------------


def new_user(school: School, email: str, full_name: str, role: Role, status: UserStatus) -> User:
    """A user of ``school`` under an address no account uses yet.

    A sign-up nobody confirmed from its e-mail holds no address: it gives way here."""
    email = normalise_email(email)
    if holder_of(email) is not None:
        raise AccountError(str(_l("An account already exists with this e-mail address.")), "email")
    return User(school_id=school.id, email=email, full_name=full_name.strip(), role=role, status=status)


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


def archive_user(user: User, by: User) -> None:
    if user.id == by.id:
        raise AccountError(str(_l("You cannot archive your own account.")))
    user.status = UserStatus.ARCHIVED
    end_sessions(user)
    void_tokens(user)
    user_archived.send(user)


def void_tokens(user: User) -> None:
    """Every unused link of this user stops working."""
    db.session.execute(
        sa.update(AuthToken)
        .where(AuthToken.user_id == user.id, AuthToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def restore_user(user: User) -> None:
    if user.status is not UserStatus.ARCHIVED:
        return
    if user.is_customer and user.customer_id is None:
        raise AccountError(
            str(_l("A refused sign-up cannot be restored: invite the person from their company's page."))
        )
    user.status = UserStatus.ACTIVE if user.password_hash else UserStatus.INVITED
