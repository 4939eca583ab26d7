"""The outbox: e-mails written in the same transaction as the change that causes them."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ecoprod.database import Line, UTCDateTime, enum_type, utcnow
from ecoprod.extensions import db


class OutboxStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # will be retried by ``flask outbox send`` until it gives up
    ABANDONED = "abandoned"


class OutboxEmail(db.Model):
    """Not tenant-scoped on purpose: only the delivery machinery reads it."""

    __tablename__ = "outbox_emails"
    __table_args__ = (sa.Index("ix_outbox_emails_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    to_address: Mapped[str] = mapped_column(Line(254))
    subject: Mapped[str] = mapped_column(Line(300))
    body: Mapped[str] = mapped_column(sa.Text)
    template: Mapped[str] = mapped_column(Line(60))
    status: Mapped[OutboxStatus] = mapped_column(enum_type(OutboxStatus, 20), default=OutboxStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # after a failure
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The request (or job) that queued it: its log lines and the message's header carry it.
    request_id: Mapped[str | None] = mapped_column(Line(40))
