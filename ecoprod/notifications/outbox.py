"""Queue e-mails with the change that causes them; deliver them once it is committed.

``queue_email`` renders the message in the recipient's language and adds it to the
session: if the transaction rolls back, the e-mail never existed. Once the transaction
is committed, each new message is a job for the worker (``notifications.jobs``); whatever
fails waits in the outbox, retried with a growing delay by the worker's sweep (or
``flask outbox send``). A message is claimed before it is sent and keeps one Message-ID
over every attempt, so a receiver can tell a retry after a crash from a new message.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterable
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.orm import Session

from ecoprod import audit
from ecoprod.database import utcnow
from ecoprod.deferred import after_commit
from ecoprod.extensions import db
from ecoprod.jobs import job, lease
from ecoprod.notifications.models import OutboxEmail, OutboxStatus

log = logging.getLogger(__name__)


def queue_email(
    to: str, template: str, *, locale: str | None = None, school_id: int | None = None, **context: Any
) -> OutboxEmail:
    """Render ``templates/emails/<template>.txt`` and put it in the outbox (not committed)."""
    locale = locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        # One line, whatever the title or company name contains (a header cannot break).
        subject = " ".join(_render_block(template, "subject", context).split())
        body = _render_block(template, "body", context).strip() + "\n"
    email = OutboxEmail(
        to_address=to,
        subject=subject,
        body=body,
        template=template,
        school_id=school_id,
        request_id=audit.current().request_id,
    )
    db.session.add(email)
    return email


def _render_block(template: str, block: str, context: dict[str, Any]) -> str:
    env = current_app.jinja_env
    tmpl = env.get_template(f"emails/{template}.txt")
    current_app.update_template_context(context)
    return "".join(tmpl.blocks[block](tmpl.new_context(context)))


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link for an e-mail, always on ``BASE_URL``.

    Never built from the request's Host header: a forged header would otherwise put a
    password-reset token in a link to someone else's site.
    """
    base = current_app.config["BASE_URL"].rstrip("/")
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)


# --- After-commit delivery -----------------------------------------------------------


@event.listens_for(Session, "after_flush")
def _deliver_after_commit(session: Session, flush_context: object) -> None:
    """New outbox rows are delivered once their transaction is committed (``deferred``)."""
    ids = [obj.id for obj in session.new if isinstance(obj, OutboxEmail)]
    if ids:
        after_commit(session, deliver, ids)


@job()
def deliver(ids: list[int]) -> None:
    """Send these new messages; one that fails waits for the sweep's next attempt."""
    deliver_ids(ids)


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: 1, 2, 4, 8 … minutes (``OUTBOX_RETRY_SECONDS``
    doubled each time), at most six hours."""
    first = int(current_app.config["OUTBOX_RETRY_SECONDS"])
    return timedelta(seconds=min(first * 2 ** max(attempts - 1, 0), 6 * 3600))


def pending_ids(limit: int = 500, *, due_only: bool = True) -> list[int]:
    """What to (re)send: queued, failed (and due again, unless ``due_only`` is off), or
    claimed by a process that died."""
    max_attempts = current_app.config["OUTBOX_MAX_ATTEMPTS"]
    now = utcnow()
    stuck = sa.and_(OutboxEmail.status == OutboxStatus.SENDING, OutboxEmail.claimed_at < now - lease())
    db.session.execute(
        sa.update(OutboxEmail)
        .where(stuck)
        .values(status=OutboxStatus.FAILED)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    stmt = (
        sa.select(OutboxEmail.id)
        .where(
            OutboxEmail.status.in_([OutboxStatus.QUEUED, OutboxStatus.FAILED]),
            OutboxEmail.attempts < max_attempts,
            sa.or_(
                sa.false() if due_only else sa.true(),
                OutboxEmail.next_attempt_at.is_(None),
                OutboxEmail.next_attempt_at <= now,
            ),
        )
        .order_by(OutboxEmail.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def deliver_ids(ids: Iterable[int]) -> tuple[int, int]:
    """Send these outbox rows; returns (sent, failed). Each row is claimed before sending."""
    sent = failed = 0
    for email_id in ids:
        outcome = _deliver_one(email_id)
        if outcome is True:
            sent += 1
        elif outcome is False:
            failed += 1
    return sent, failed


def _claim(email_id: int) -> OutboxEmail | None:
    claimed = db.session.execute(
        sa.update(OutboxEmail)
        .where(
            OutboxEmail.id == email_id,
            OutboxEmail.status.in_([OutboxStatus.QUEUED, OutboxStatus.FAILED]),
        )
        .values(status=OutboxStatus.SENDING, attempts=OutboxEmail.attempts + 1, claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claimed.rowcount != 1:
        return None  # someone else is sending it, or it is already sent
    return db.session.get(OutboxEmail, email_id)


def _deliver_one(email_id: int) -> bool | None:
    email = _claim(email_id)
    if email is None:
        return None
    try:
        _transport(email)
    except Exception as exc:
        email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        give_up = email.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]
        email.status = OutboxStatus.ABANDONED if give_up else OutboxStatus.FAILED
        email.next_attempt_at = None if give_up else utcnow() + retry_delay(email.attempts)
        db.session.commit()
        log.warning("e-mail %s failed: %s", email.id, exc, extra={"request_id": email.request_id})
        return False
    email.status = OutboxStatus.SENT
    email.sent_at = utcnow()
    email.last_error = None
    email.next_attempt_at = None
    db.session.commit()
    log.info("e-mail %s (%s) sent", email.id, email.template, extra={"request_id": email.request_id})
    return True


def message_id(email: OutboxEmail) -> str:
    """The same on every attempt: a retry after a crash is recognisably the same message."""
    host = (current_app.config["BASE_URL"].split("//", 1)[-1].split("/", 1)[0] or "ecoprod").split(":")[0]
    return f"<outbox.{email.id}.{email.created_at:%Y%m%d%H%M%S}@{host}>"


def _transport(email: OutboxEmail) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Message-ID"] = message_id(email)
    if email.request_id:
        message["X-EcoProd-Request-Id"] = email.request_id
    message.set_content(email.body)
    if not config.get("MAIL_SERVER"):
        log.info("e-mail (no MAIL_SERVER set, not sent)\n%s", message.as_string())
        return
    host, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), config["MAIL_TIMEOUT"]
    if config.get("MAIL_USE_SSL"):
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)
