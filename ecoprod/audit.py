"""The audit trail: who did what, when, from where, to which record — written once, never
changed.

Each business action calls ``record(action, …)`` in the transaction that does it: the event
and the change commit together or not at all (a refused sign-in, which changes nothing,
commits its own event). Who and from where come from the *context* the web layer binds at
the start of each request (``bind``: user, address, user agent, request id); commands and
jobs bind their own or leave it empty.

Events hold no personal data of their own: the actor by id (named when shown, so an erased
person is erased here too), the object by kind and id, and a ``reference`` that is a
document's number or a record's id, never a name. The table is append-only: the ORM refuses
to change or delete an event, and the database refuses ``UPDATE`` and ``DELETE`` (triggers
of migration 0017).
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from ecoprod.database import Line, UTCDateTime, utcnow
from ecoprod.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_school_at", "school_id", "at", "id"),
        sa.Index("ix_audit_events_school_level_at", "school_level", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The school the action concerns (None: no school, e.g. a sign-in with an unknown address).
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("schools.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None]  # no foreign key: the trail outlives any account
    action: Mapped[str] = mapped_column(Line(60))
    object_type: Mapped[str | None] = mapped_column(Line(40))
    object_id: Mapped[int | None]
    reference: Mapped[str | None] = mapped_column(Line(60))
    # The school's own settings, people and exports: what the platform operator also sees.
    school_level: Mapped[bool] = mapped_column(default=False)
    ip: Mapped[str | None] = mapped_column(Line(45))
    user_agent: Mapped[str | None] = mapped_column(Line(300))
    request_id: Mapped[str | None] = mapped_column(Line(40))


@dataclass(frozen=True)
class Context:
    actor_id: int | None = None
    school_id: int | None = None
    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None


_NOBODY = Context()
_context: contextvars.ContextVar[Context | None] = contextvars.ContextVar("audit_context", default=None)


def bind(context: Context) -> None:
    """Who acts from now on in this context (a request, a job, a command)."""
    _context.set(context)


def current() -> Context:
    return _context.get() or _NOBODY


def record(
    action: str,
    obj: object | None = None,
    *,
    reference: str | int | None = None,
    school_id: int | None = None,
    actor_id: int | None = None,
    school_level: bool = False,
    session: Session | None = None,
) -> AuditEvent:
    """Add an event to the current transaction: ``action`` (``"invoice.issued"``) on
    ``obj`` (any record with an ``id``; its school unless ``school_id`` says otherwise),
    by the bound actor unless ``actor_id`` says otherwise."""
    context = current()
    school = school_id if school_id is not None else getattr(obj, "school_id", None) or context.school_id
    audit_event = AuditEvent(
        school_id=school,
        actor_id=actor_id if actor_id is not None else context.actor_id,
        action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        reference=str(reference)[:60] if reference is not None else None,
        school_level=school_level,
        ip=context.ip,
        user_agent=(context.user_agent or "")[:300] or None,
        request_id=context.request_id,
    )
    (session or db.session).add(audit_event)
    return audit_event


def record_view(
    action: str, obj: object, *, reference: str | None = None, school_level: bool = False
) -> None:
    """Who looked at (or downloaded) ``obj``: recorded and committed at once, a page that
    only reads has no transaction of its own to ride on."""
    record(action, obj, reference=reference, school_level=school_level)
    db.session.commit()


class AuditTampering(RuntimeError):
    """Code tried to change or delete an audit event."""


@event.listens_for(Session, "before_flush")
def _append_only(session: Session, flush_context: object, instances: object) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditTampering(f"audit event {obj.id} cannot be changed or deleted")
