"""Calendar feeds (``.ics``): addresses a calendar client reads without a session.

Each address is made for one person and one workshop or student (a minor's timetable is
personal data): ``address`` shows it again, ``renew`` replaces it (the old one stops),
``revoke`` ends it, and archiving the owner, the workshop or the student revokes theirs
(``revoke_for``). Every read checks again that the address is current and that its owner
is still active and still allowed to see what it shows (``readable``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for

from ecoprod.accounts.models import User, UserStatus
from ecoprod.database import utcnow
from ecoprod.extensions import db
from ecoprod.planning import access
from ecoprod.planning.models import CalendarFeed
from ecoprod.signals import student_archived, user_archived, workshop_archived
from ecoprod.students.models import Student
from ecoprod.workshops.models import Workshop

WORKSHOP = "workshop"
STUDENT = "student"


def _mac(feed: CalendarFeed) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"calendar-feed:{feed.id}:{feed.nonce}".encode(), hashlib.sha256).hexdigest()[:40]


def key_of(feed: CalendarFeed) -> str:
    return f"{feed.id}.{_mac(feed)}"


def feed_link(
    feed: CalendarFeed | None, workshop: Workshop | None = None, student: Student | None = None
) -> dict[str, Any] | None:
    """What ``feed_address`` gives, for a feed already loaded (the board's)."""
    if feed is None:
        return None
    if workshop is not None:
        url = url_for("planning.workshop_feed", workshop_id=workshop.id, key=key_of(feed), _external=True)
    else:
        url = url_for("planning.student_feed", student_id=student.id, key=key_of(feed), _external=True)
    return {"feed": feed, "url": url}


def _subject(workshop: Workshop | None, student: Student | None) -> list[sa.ColumnElement[bool]]:
    return [
        CalendarFeed.workshop_id == workshop.id if workshop else CalendarFeed.workshop_id.is_(None),
        CalendarFeed.student_id == student.id if student else CalendarFeed.student_id.is_(None),
    ]


def find(
    owner: User, *, workshop: Workshop | None = None, student: Student | None = None
) -> CalendarFeed | None:
    """The owner's current address for this workshop or student, if one was made."""
    return db.session.scalars(
        sa.select(CalendarFeed).where(
            CalendarFeed.owner_id == owner.id, *_subject(workshop, student), CalendarFeed.revoked_at.is_(None)
        )
    ).first()


def renew(owner: User, *, workshop: Workshop | None = None, student: Student | None = None) -> CalendarFeed:
    """A new address for the owner (the previous one, if any, stops working)."""
    feed = db.session.scalars(
        sa.select(CalendarFeed)
        .where(CalendarFeed.owner_id == owner.id, *_subject(workshop, student))
        .order_by(CalendarFeed.id)
    ).first()
    if feed is None:
        feed = CalendarFeed(
            school_id=owner.school_id,
            owner_id=owner.id,
            workshop_id=workshop.id if workshop else None,
            student_id=student.id if student else None,
        )
        db.session.add(feed)
    else:
        feed.rotated_at = utcnow()
    feed.nonce = secrets.token_hex(16)
    feed.revoked_at = None
    db.session.flush()
    return feed


def revoke(feed: CalendarFeed) -> None:
    feed.revoked_at = utcnow()


def revoke_for(
    *, owner: User | None = None, workshop: Workshop | None = None, student: Student | None = None
) -> None:
    """Every address of this person, workshop or student stops working (archiving)."""
    condition = sa.or_(
        CalendarFeed.owner_id == (owner.id if owner else -1),
        CalendarFeed.workshop_id == (workshop.id if workshop else -1),
        CalendarFeed.student_id == (student.id if student else -1),
    )
    db.session.execute(
        sa.update(CalendarFeed)
        .where(condition, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


@user_archived.connect
def _owner_archived(user: User, **_: object) -> None:
    revoke_for(owner=user)


@student_archived.connect
def _student_archived(student: Student, **_: object) -> None:
    revoke_for(student=student)  # a minor's timetable stops being readable


@workshop_archived.connect
def _workshop_archived(workshop: Workshop, **_: object) -> None:
    revoke_for(workshop=workshop)


def from_key(key: str) -> CalendarFeed | None:
    """The feed a key names, across schools (a calendar client has no session), or None."""
    feed_id, _, mac = (key or "").partition(".")
    if not feed_id.isdigit() or not mac or len(feed_id) > 12:
        return None
    feed = db.session.scalars(
        sa.select(CalendarFeed).where(CalendarFeed.id == int(feed_id)).execution_options(all_schools=True)
    ).one_or_none()
    if feed is None or not hmac.compare_digest(_mac(feed), mac):
        return None
    return feed


def readable(feed: CalendarFeed, kind: str, object_id: int) -> bool:
    """Whether the feed may be read now (called within the feed's school scope)."""
    if feed.revoked_at is not None:
        return False
    if (kind, object_id) not in ((WORKSHOP, feed.workshop_id), (STUDENT, feed.student_id)):
        return False
    owner = db.session.get(User, feed.owner_id)
    if owner is None or owner.status is not UserStatus.ACTIVE or owner.school_id != feed.school_id:
        return False
    if kind == WORKSHOP:
        workshop = db.session.get(Workshop, object_id)
        return (
            workshop is not None and not workshop.is_archived and access.can_manage_workshop(owner, workshop)
        )
    student = db.session.get(Student, object_id)
    return student is not None and not student.is_archived and access.can_manage_student(owner, student)
