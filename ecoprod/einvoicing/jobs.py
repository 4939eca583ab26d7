"""The worker's side of e-invoicing: send each queued document once, sweep what a killed
process left, and ask the platform for the acknowledgements still pending."""

from __future__ import annotations

from ecoprod.einvoicing.client import PlatformError
from ecoprod.einvoicing.models import Transmission
from ecoprod.einvoicing.services import sending
from ecoprod.extensions import db
from ecoprod.jobs import every_minute, job, periodic


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
