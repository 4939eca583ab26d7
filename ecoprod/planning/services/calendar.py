"""The school calendar: holidays, exams and closures, typed in or imported from an .ics file."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import sqlalchemy as sa

from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.planning.models import CalendarEvent, CalendarKind


def import_calendar(school_id: int, data: bytes, kind: CalendarKind) -> int:
    """All-day events of an iCalendar file become closed days; already imported UIDs are updated."""
    try:
        parsed = icalendar.Calendar.from_ical(data)
    except Exception as exc:  # icalendar raises many kinds on bad input
        raise ValueError(str(exc)) from exc
    count = 0
    for component in parsed.walk("VEVENT"):
        start = component.decoded("dtstart", None)
        if start is None:
            continue
        end = component.decoded("dtend", None)
        start_day = start if isinstance(start, date) and not hasattr(start, "hour") else start.date()
        if end is None:
            end_day = start_day
        else:
            end_day = end if not hasattr(end, "hour") else end.date()
            if not hasattr(end, "hour"):
                end_day -= timedelta(days=1)  # DTEND of an all-day event is exclusive
        end_day = max(end_day, start_day)
        uid = str(component.get("uid", "")) or None
        label = str(component.get("summary", "")) or str(_l("Closed"))
        existing = (
            db.session.scalars(
                sa.select(CalendarEvent).where(
                    CalendarEvent.school_id == school_id, CalendarEvent.source_uid == uid
                )
            ).first()
            if uid
            else None
        )
        event = existing or CalendarEvent(school_id=school_id, source_uid=uid)
        event.kind, event.label, event.start_date, event.end_date = kind, label[:200], start_day, end_day
        db.session.add(event)
        count += 1
    return count
