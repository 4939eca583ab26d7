"""A customer user's personal data (RGPD): the export of their account, and its erasure.

The orders, quotes and invoices belong to their company and stay. What the person is — name,
address, telephone, sign-in — is replaced; their name leaves the e-mails that carried it. The
record of a quote's acceptance (the name typed, the address and the moment) is legal evidence
of the company's order and is kept, as the issued documents are.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from ecoprod import audit
from ecoprod.accounts.models import User, UserStatus
from ecoprod.accounts.services import end_sessions, void_tokens
from ecoprod.audit import AuditEvent
from ecoprod.extensions import db
from ecoprod.notifications.models import OutboxEmail
from ecoprod.orders.models import Order
from ecoprod.quotes.models import Quote


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def account_data(user: User) -> dict[str, Any]:
    """Everything held about the person, as plain JSON values."""
    orders = db.session.execute(
        sa.select(Order.number, Order.title, Order.state, Order.created_at).where(
            Order.created_by_id == user.id
        )
    )
    accepted = db.session.scalars(sa.select(Quote).where(Quote.answered_by_id == user.id))
    sign_ins = db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.at, AuditEvent.ip, AuditEvent.user_agent)
        .where(AuditEvent.actor_id == user.id)
        .order_by(AuditEvent.at)
    )
    return {
        "account": {
            "name": user.full_name,
            "email": user.email,
            "phone": user.phone,
            "company": user.customer.name if user.customer else None,
            "status": user.status.value,
            "language": user.locale,
            "last_login_at": _iso(user.last_login_at),
        },
        "requests_created": [
            {"number": n, "title": t, "state": s.value, "created_at": _iso(c)} for n, t, s, c in orders
        ],
        "quotes_answered": [
            {"quote": q.number, "at": _iso(q.answered_at), "name_typed": q.accepted_name, "ip": q.accepted_ip}
            for q in accepted
        ],
        "actions_recorded": [
            {"action": a, "at": _iso(at), "ip": ip, "user_agent": ua} for a, at, ip, ua in sign_ins
        ],
    }


def export_account(user: User) -> bytes:
    audit.record("user.data_exported", user)
    return json.dumps(account_data(user), ensure_ascii=False, indent=1).encode()


def close_account(user: User, anonymous: str) -> None:
    """The sign-in of an erased person: no name, no address, no telephone, no way in."""
    user.full_name = anonymous
    user.email = f"efface-{user.id}@invalid.invalid"
    user.phone = None
    user.password_hash = None
    user.status = UserStatus.ARCHIVED
    end_sessions(user)
    void_tokens(user)


def unname_in_emails(school_id: int | None, names: set[str], anonymous: str) -> None:
    """The school's e-mails that carried one of ``names`` carry ``anonymous`` instead."""
    for email in db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.school_id == school_id)):
        for name in names:
            email.body = email.body.replace(name, anonymous)
            email.subject = email.subject.replace(name, anonymous)


def erase_account(user: User) -> None:
    """Replace the person's identity on their account and in the e-mails that named them."""
    name, anonymous = user.full_name, f"Personne anonyme n° {user.id}"
    close_account(user, anonymous)
    unname_in_emails(user.school_id, {name}, anonymous)
    db.session.flush()
    audit.record("user.erased", user, school_level=True)
