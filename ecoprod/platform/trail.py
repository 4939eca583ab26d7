"""The audit trail as people read it: what each action is called, who may read which events,
the filters of the list and the lines of its CSV export."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from ecoprod.accounts.models import User
from ecoprod.audit import AuditEvent
from ecoprod.csvsafe import csv_line
from ecoprod.extensions import db
from ecoprod.i18n import SCHOOL_TIMEZONE
from ecoprod.i18n import gettext as _
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.schools.models import School
from ecoprod.visibility import visible_if

ACTIONS: dict[str, Any] = {
    "sign_in": _l("Signed in"),
    "sign_in.failed": _l("Sign-in refused"),
    "sign_out": _l("Signed out"),
    "user.invited": _l("Person invited"),
    "user.updated": _l("Person edited"),
    "user.archived": _l("Person archived"),
    "school.settings_changed": _l("School settings changed"),
    "school.logo_changed": _l("School logo changed"),
    "quote.sent": _l("Quote sent"),
    "quote.accepted": _l("Quote accepted"),
    "quote.refused": _l("Quote refused"),
    "planning.assigned": _l("Student assigned"),
    "planning.moved": _l("Assignment moved"),
    "planning.unassigned": _l("Assignment removed"),
    "delivery.issued": _l("Delivery note issued"),
    "invoice.issued": _l("Invoice issued"),
    "credit_note.issued": _l("Credit note issued"),
    "payment.recorded": _l("Payment recorded"),
    "export.journal": _l("Sales journal exported"),
    "export.fec": _l("FEC exported"),
    "export.audit": _l("Audit trail exported"),
    "student.viewed": _l("Student file viewed"),
    "student.skills_viewed": _l("Skills record viewed"),
    "student.skills_exported": _l("Skills record downloaded"),
    "student.data_exported": _l("Student's data exported"),
    "student.erased": _l("Student's data erased"),
    "user.data_exported": _l("Person's data exported"),
    "user.erased": _l("Person's data erased"),
    "material_cost.recorded": _l("Material cost recorded"),
    "material_cost.removed": _l("Material cost removed"),
    "report.exported": _l("Activity report downloaded"),
    "import.applied": _l("Spreadsheet imported"),
    "message.posted": _l("Message posted on an order"),
    "message.note_added": _l("Internal note added on an order"),
}


OBJECTS: dict[str, Any] = {
    "User": _l("Person"),
    "School": _l("School"),
    "Student": _l("Student"),
    "Quote": _l("Quote"),
    "DeliveryNote": _l("Delivery note"),
    "Invoice": _l("Invoice"),
    "Payment": _l("Payment"),
    "Operation": _l("Operation"),
    "Assignment": _l("Assignment"),
    "Order": _l("Order"),
    "ImportBatch": _l("Import"),
}


def label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def concerning(event: AuditEvent) -> str:
    """What the event is about: ``Facture FA-2026-0001``, ``Élève n° 12``."""
    if event.object_type is None:
        return event.reference or ""
    kind = str(OBJECTS.get(event.object_type, event.object_type))
    if event.reference:
        return f"{kind} {event.reference}"
    return _("%(kind)s no. %(id)s", kind=kind, id=event.object_id)


def visible_events(user: User) -> sa.Select[tuple[AuditEvent]]:
    """An administrator: every event of their school; the operator: the school-level events
    of every school; nobody else anything."""
    if user.is_operator:
        return sa.select(AuditEvent).where(AuditEvent.school_level.is_(True))
    return visible_if(user.is_admin, AuditEvent).where(AuditEvent.school_id == user.school_id)


@dataclass(frozen=True)
class Filters:
    action: str | None = None
    actor_id: int | None = None
    start: date | None = None
    end: date | None = None

    def apply(self, stmt: sa.Select[Any]) -> sa.Select[Any]:
        if self.action:
            stmt = stmt.where(AuditEvent.action == self.action)
        if self.actor_id:
            stmt = stmt.where(AuditEvent.actor_id == self.actor_id)
        if self.start:
            stmt = stmt.where(AuditEvent.at >= _paris_midnight(self.start))
        if self.end:
            stmt = stmt.where(AuditEvent.at < _paris_midnight(self.end + timedelta(days=1)))
        return stmt


def _paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, SCHOOL_TIMEZONE)


def names_of(events: Iterable[AuditEvent]) -> dict[int, str]:
    """The actors' names (an erased person's row says so), read once for a page."""
    ids = {e.actor_id for e in events if e.actor_id is not None}
    if not ids:
        return {}
    stmt = sa.select(User.id, User.full_name).where(User.id.in_(ids)).execution_options(all_schools=True)
    return dict(db.session.execute(stmt).all())


def school_names(events: Iterable[AuditEvent]) -> dict[int, str]:
    ids = {e.school_id for e in events if e.school_id is not None}
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(School.id, School.name).where(School.id.in_(ids))).all())


def csv_lines(
    events: Iterable[AuditEvent], names: dict[int, str], schools: dict[int, str] | None = None
) -> Iterator[str]:
    header = [
        _("Date and time (Paris)"),
        _("Person"),
        _("Action"),
        _("Concerning"),
        _("IP address"),
        _("Browser"),
        _("Request id"),
    ]
    yield csv_line(([_("School")] if schools is not None else []) + header)
    for e in events:
        row = [
            e.at.astimezone(SCHOOL_TIMEZONE).strftime("%Y-%m-%d %H:%M:%S"),
            names.get(e.actor_id, "") if e.actor_id else "",
            label(e.action),
            concerning(e),
            e.ip or "",
            e.user_agent or "",
            e.request_id or "",
        ]
        yield csv_line(([schools.get(e.school_id, "")] if schools is not None else []) + row)
