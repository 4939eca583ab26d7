"""People who sign in: roles, status, one-time tokens and customer sign-up requests."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecoprod.database import Line, TimestampMixin, UTCDateTime, enum_type, utcnow
from ecoprod.extensions import db
from ecoprod.i18n import label
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.tenancy import TenantMixin

if TYPE_CHECKING:
    from ecoprod.customers.models import Customer
    from ecoprod.schools.models import School
    from ecoprod.workshops.models import Workshop


class Role(enum.StrEnum):
    OPERATOR = "operator"  # runs the platform, creates schools, sees no school's records
    ADMIN = "admin"
    MASTER = "master"
    CUSTOMER = "customer"
    STUDENT = "student"  # a student's own sign-in: their tasks and their time only

    @property
    def label(self) -> str:
        return label(ROLE_LABELS[self])

    @property
    def is_staff(self) -> bool:
        return self in (Role.ADMIN, Role.MASTER)


ROLE_LABELS = {
    Role.OPERATOR: _l("Platform operator"),
    Role.ADMIN: _l("Administrator"),
    Role.MASTER: _l("Master-professional"),
    Role.CUSTOMER: _l("Customer"),
    Role.STUDENT: _l("Student"),
}


class UserStatus(enum.StrEnum):
    INVITED = "invited"  # has an invitation link, no password yet
    PENDING = "pending"  # signed up, waits for an administrator's approval
    ACTIVE = "active"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return label(USER_STATUS_LABELS[self])


USER_STATUS_LABELS = {
    UserStatus.INVITED: _l("Invitation sent"),
    UserStatus.PENDING: _l("Awaiting approval"),
    UserStatus.ACTIVE: _l("Account active"),
    UserStatus.ARCHIVED: _l("Account archived"),
}


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(TenantMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("role = 'customer' OR customer_id IS NULL", name="only_customers_have_a_company"),
        # A customer user belongs to a company, except while a sign-up awaits its decision.
        sa.CheckConstraint(
            "role <> 'customer' OR customer_id IS NOT NULL OR status IN ('pending', 'archived')",
            name="customer_users_have_a_company",
        ),
        sa.CheckConstraint("(role = 'operator') = (school_id IS NULL)", name="operators_have_no_school"),
        sa.Index("ix_users_school_name", "school_id", "full_name", "id"),  # the users list
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Operators belong to no school; everyone else to exactly one.
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    email: Mapped[str] = mapped_column(Line(254), unique=True)
    full_name: Mapped[str] = mapped_column(Line(120))
    phone: Mapped[str | None] = mapped_column(Line(30))
    role: Mapped[Role] = mapped_column(enum_type(Role, 20))
    status: Mapped[UserStatus] = mapped_column(enum_type(UserStatus, 20), default=UserStatus.INVITED)
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(Line(255))
    # Part of the login cookie: changing it (logout, new password) voids every old cookie.
    session_token: Mapped[str] = mapped_column(Line(64), default=new_session_token)
    locale: Mapped[str | None] = mapped_column(Line(5))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    school: Mapped[School | None] = relationship()
    customer: Mapped[Customer | None] = relationship(back_populates="users")
    workshops: Mapped[list[Workshop]] = relationship(
        secondary="workshop_masters", back_populates="masters", order_by="Workshop.name"
    )

    # --- Flask-Login protocol -------------------------------------------------------
    @property
    def is_active(self) -> bool:
        return self.status is UserStatus.ACTIVE

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    # --- Roles ------------------------------------------------------------------------
    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_master(self) -> bool:
        return self.role is Role.MASTER

    @property
    def is_customer(self) -> bool:
        return self.role is Role.CUSTOMER

    @property
    def is_operator(self) -> bool:
        return self.role is Role.OPERATOR

    @property
    def is_staff(self) -> bool:
        return self.role.is_staff

    @property
    def is_student(self) -> bool:
        return self.role is Role.STUDENT

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class TokenPurpose(enum.StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a secret
    SIGNUP = "signup"  # confirms a sign-up's address; the password is chosen through it


class AuthToken(db.Model):
    """A one-time link sent by e-mail. Only the SHA-256 of the secret is stored."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_type(TokenPurpose, 20))
    token_hash: Mapped[str] = mapped_column(Line(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # No ``user`` relationship on purpose: tokens are read before any school scope is
    # known; ``accounts.services.token_user`` loads the owner explicitly.


class SignupStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class SignupRequest(TenantMixin, TimestampMixin, db.Model):
    """A company user who signed up alone, with the company they say they belong to.

    Its user is ``pending`` without a password until the address is confirmed."""

    __tablename__ = "signup_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    company_name: Mapped[str] = mapped_column(Line(200))
    siret: Mapped[str | None] = mapped_column(Line(14))
    status: Mapped[SignupStatus] = mapped_column(enum_type(SignupStatus, 20), default=SignupStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the person followed the e-mailed link and chose a password. Until then the
    # sign-up is invisible to administrators, holds no address and expires.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
