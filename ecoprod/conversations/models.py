"""The conversation of an order: its messages, their files, and where each reader stopped."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecoprod.database import Line, UTCDateTime, utcnow
from ecoprod.extensions import db
from ecoprod.tenancy import TenantMixin

if TYPE_CHECKING:
    from ecoprod.accounts.models import User
    from ecoprod.orders.models import Order


class OrderMessage(TenantMixin, db.Model):
    """One message on an order. An internal note (``internal``) is for the school's staff
    only: a customer never reads it, nor hears of it."""

    __tablename__ = "order_messages"
    __table_args__ = (
        # A thread in order, and "how many after the reader's mark?" for a page of orders.
        sa.Index("ix_order_messages_thread", "order_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    internal: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    order: Mapped[Order] = relationship()
    author: Mapped[User] = relationship()
    files: Mapped[list[MessageFile]] = relationship(
        back_populates="message", order_by="MessageFile.id", cascade="all, delete-orphan"
    )


class MessageFile(TenantMixin, db.Model):
    """A file sent with a message, checked as a drawing is; stored under a random name."""

    __tablename__ = "order_message_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("order_messages.id", ondelete="CASCADE"), index=True
    )
    original_name: Mapped[str] = mapped_column(Line(255))
    stored_name: Mapped[str] = mapped_column(Line(64), unique=True)
    kind: Mapped[str] = mapped_column(Line(10))
    content_type: Mapped[str] = mapped_column(Line(80))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(Line(64))

    message: Mapped[OrderMessage] = relationship(back_populates="files")


class MessageRead(TenantMixin, db.Model):
    """How far one reader has read one order's conversation: the last message they were
    shown. Later messages by others are unread for them."""

    __tablename__ = "order_message_reads"
    __table_args__ = (sa.UniqueConstraint("user_id", "order_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    last_read_id: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
