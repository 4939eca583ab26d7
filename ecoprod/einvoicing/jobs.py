"""The worker's side of e-invoicing: send each queued document once, sweep what a killed
process left, and ask the platform for the acknowledgements still pending."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from ecoprod.einvoicing import services
from ecoprod.einvoicing.client import PlatformError
from ecoprod.einvoicing.models import PlatformConnection, Transmission
from ecoprod.einvoicing.services import ereporting, sending, statuses
from ecoprod.extensions import db
from ecoprod.jobs import daily_at, every_minute, every_minutes, job, periodic
from ecoprod.schools.models import School
from ecoprod.tenancy import scoped_to

log = logging.getLogger(__name__)


@job(retries=8, retry_delay=30, retry_backoff=2)
def send(transmission_id: int) -> None:
    """Send one document; a platform down raises, and the queue retries with backoff (30 s,
    1 min, 2 min… about two hours in all), after which the sweep takes it up again."""
    transmission = sending.claim(transmission_id)
    if transmission is None:
        return  # sent already, or held by a live process
    try:
        sending.send_claimed(transmission)
    finally:
        db.session.commit()  # the outcome, or the claim released with the reason of the failure


@periodic(every_minute(), at_start=True)
def sweep() -> None:
    """Queued documents no live process holds (a worker killed, retries exhausted)."""
    for transmission_id in sending.waiting_ids():
        send(transmission_id)


@periodic(every_minute())
def check_acknowledgements() -> None:
    for transmission_id in sending.checking_ids():
        transmission = db.session.get(Transmission, transmission_id)
        try:
            sending.refresh(transmission)
        except PlatformError:
            db.session.rollback()
            continue
        db.session.commit()


@job(retries=6, retry_delay=30, retry_backoff=2)
def receive_flow(connection_id: int, flow_id: str) -> None:
    """A flow the school's webhook announced: its metadata and file are asked of the platform
    with the school's own credentials (the call's body is not trusted), then read."""
    connection = db.session.get(PlatformConnection, connection_id)
    if connection is None:
        return
    client = services.client_for(connection)
    try:
        flow = client.get_flow(flow_id)
    except PlatformError as exc:
        if exc.transient:
            raise  # retried
        return  # not this school's flow, or gone: nothing to read
    statuses.receive(connection, flow, "webhook", client)
    db.session.commit()


@periodic(every_minutes(10))
def poll_statuses() -> None:
    """Every connected school's life-cycle flows since the last poll (the webhook's backstop)."""
    ids = db.session.scalars(
        sa.select(PlatformConnection.id)
        .where(PlatformConnection.check_ok.is_(True))
        .execution_options(all_schools=True)
    ).all()
    for connection_id in ids:
        connection = db.session.get(PlatformConnection, connection_id)
        try:
            statuses.poll(connection)
        except PlatformError:
            db.session.rollback()
            continue
        db.session.commit()


@periodic(daily_at(5, 30))
def prepare_reports() -> None:
    """Each morning, every connected school's e-reporting of the periods that have ended
    (and corrections of those whose figures changed); the files go out through ``send``."""
    ids = db.session.scalars(
        sa.select(PlatformConnection.school_id)
        .where(PlatformConnection.check_ok.is_(True))
        .execution_options(all_schools=True)
    ).all()
    for school_id in ids:
        with scoped_to(db.session, school_id):
            try:
                ereporting.prepare(db.session.get(School, school_id))
            except Exception:  # one school's trouble does not hold up the others'
                db.session.rollback()
                log.exception("e-reporting of school %s failed", school_id)
                continue
            db.session.commit()
