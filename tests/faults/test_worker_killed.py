"""A worker killed (SIGKILL) while it renders PDFs and sends e-mails loses nothing and does
nothing twice once a worker runs again: the rows are the source of truth, claims expire.

Everything here is real: the worker is ``flask jobs worker`` in its own process on a kept
queue (a SQLite file), the database is the suite's (SQLite or PostgreSQL), WeasyPrint
renders, and the e-mails go to an SMTP server on loopback that answers slowly.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from ecoprod import jobs
from ecoprod.documents import StoredDocument
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.notifications.models import OutboxEmail, OutboxStatus
from ecoprod.orders.models import Unit
from ecoprod.pricing.models import LineKind
from ecoprod.quotes import services as quotes
from ecoprod.quotes.models import PdfStatus, Quote
from ecoprod.tenancy import scoped_to
from tests.faults.conftest import Inbox, start_worker
from tests.servers import free_port

pytestmark = pytest.mark.faults

QUOTES = 4
LEASE_SECONDS = 3


class SlowInbox(Inbox):
    """An SMTP server that takes its time before accepting each recipient.

    A client killed during that wait has not handed the message over (the server has not
    even seen its content).
    """

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await asyncio.sleep(1.5)
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def slow_smtp() -> Iterator[tuple[SlowInbox, int]]:
    inbox, port = SlowInbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def _send_quotes(factory, world) -> list[int]:
    ids = []
    lines = [
        quotes.PricedLineInput(
            LineKind.OTHER, f"Pièce usinée n° {n}", Unit.PIECE, Decimal(2), Decimal(15), Decimal(20)
        )
        for n in range(120)
    ]
    with scoped_to(db.session, world.school.id):
        for n in range(QUOTES):
            order = factory.order(world.customer_user, title=f"Série {n}")
            quote = quotes.start_quote(order, world.master)
            quotes.save_draft(
                quote,
                world.master,
                quotes.QuoteInput(lines=lines, valid_until=local_today() + timedelta(days=20)),
            )
            quotes.send(quote, world.master)
            db.session.commit()
            ids.append(quote.id)
    jobs.enqueue_committed()  # as a request does once its response is sent
    return ids


def _snapshot(quote_ids: list[int]) -> tuple[list[Quote], list[OutboxEmail]]:
    db.session.expire_all()
    found = db.session.scalars(
        sa.select(Quote).where(Quote.id.in_(quote_ids)).execution_options(all_schools=True)
    ).all()
    return list(found), list(db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)))


def _wait(condition, timeout: float, what: str, worker: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if worker.poll() is not None:
            pytest.fail(f"the worker stopped ({worker.returncode}): {worker.stderr.read().decode()[-2000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_a_killed_worker_leaves_every_pdf_rendered_and_every_email_sent_exactly_once(
    app, factory, world, kept_queue, slow_smtp, figures
):
    inbox, port = slow_smtp
    quote_ids = _send_quotes(factory, world)

    def mid_work() -> bool:
        found, emails = _snapshot(quote_ids)
        rendering = any(q.pdf_status is PdfStatus.PENDING and q.pdf_claimed_at for q in found)
        sending = any(e.status is OutboxStatus.SENDING for e in emails)
        return rendering and sending

    first = start_worker(app, kept_queue, port, ECOPROD_JOBS_LEASE_SECONDS=str(LEASE_SECONDS))
    try:
        _wait(mid_work, 90, "a PDF being rendered while an e-mail is being sent", first)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        first.stderr.close()

    found, emails = _snapshot(quote_ids)
    assert any(q.pdf_status is not PdfStatus.READY for q in found), "the kill came after the work"
    assert any(e.status is not OutboxStatus.SENT for e in emails)
    print("after the kill:", [q.pdf_status.value for q in found], [e.status.value for e in emails])
    time.sleep(LEASE_SECONDS + 0.5)  # the dead worker's claims expire

    def all_done() -> bool:
        found, emails = _snapshot(quote_ids)
        return (
            all(q.pdf_status is PdfStatus.READY for q in found)
            and len(emails) >= QUOTES
            and all(e.status is OutboxStatus.SENT for e in emails)
        )

    restarted = time.monotonic()
    second = start_worker(app, kept_queue, port, ECOPROD_JOBS_LEASE_SECONDS=str(LEASE_SECONDS))
    try:
        _wait(all_done, 120, "every PDF and every e-mail", second)
        recovered = time.monotonic() - restarted
        time.sleep(1)  # nothing more arrives
    finally:
        second.send_signal(signal.SIGINT)
        second.wait(timeout=30)
        second.stderr.close()

    found, emails = _snapshot(quote_ids)
    assert all(q.pdf_sha256 and q.pdf_size for q in found)
    # Each PDF stored once, with its quote, in the database: nothing half-written by the kill.
    stored = db.session.scalars(sa.select(StoredDocument.sha256).execution_options(all_schools=True)).all()
    assert sorted(stored) == sorted(q.pdf_sha256 for q in found)
    # One e-mail per quote and recipient in the outbox, each received exactly once.
    quote_emails = [e for e in emails if e.template == "quote_sent"]
    assert len(quote_emails) == QUOTES * len({e.to_address for e in quote_emails})
    assert sorted(Counter(inbox.message_ids).values()) == [1] * len(emails), inbox.message_ids
    assert len(inbox.recipients) == len(emails)
    figures(
        pdfs_rendered=f"{len(found)}/{QUOTES}",
        emails_delivered=f"{len(set(inbox.message_ids))}/{len(emails)}",
        delivered_twice=sum(1 for n in Counter(inbox.message_ids).values() if n > 1),
        data_lost=0,
        time_to_recover=f"{recovered:.1f} s from the new worker's start (leases of {LEASE_SECONDS} s)",
    )
