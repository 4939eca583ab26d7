"""App processes killed with SIGKILL mid-request.

A worker of a busy gunicorn killed under a write load: only the requests it was answering
fail, the master starts a new one, every acknowledged write is kept.

Crash safety of issuing: a real gunicorn killed with SIGKILL in the middle of issuing an
invoice leaves either the whole issued invoice (number, stored PDF, outbox e-mail) or the
untouched draft, and the number it had drawn is drawn again by the next issue (no gap).

The draft has many lines so that rendering its PDF, which happens after the number is drawn
and before the commit, takes a good part of a second: the kill lands there.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ecoprod import documents
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing.models import Invoice, InvoiceState
from ecoprod.notifications.models import OutboxEmail
from ecoprod.orders.models import Order
from tests.factories import drafts
from tests.faults.load import WriteLoad
from tests.servers import Browser, Server

pytestmark = pytest.mark.faults

LINES = 250


def writer_active(app: Any) -> bool:
    """Another connection holds an open write transaction (the number is drawn, not committed)."""
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        probe = sqlite3.connect(url.database, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()
    with db.engine.connect() as connection:
        return bool(
            connection.scalar(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
                )
            )
        )


def issue_in_background(browser: Browser, invoice_id: int) -> threading.Thread:
    def send() -> None:
        with contextlib.suppress(OSError):  # the server dies under it: what the test is about
            browser.post(f"/invoices/{invoice_id}/issue", {})

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


def state_of(app: Any, invoice_id: int) -> tuple[Invoice, list[OutboxEmail]]:
    db.session.expire_all()
    invoice = db.session.get(Invoice, invoice_id)
    mails = []
    if invoice.number:
        mails = list(
            db.session.scalars(
                sa.select(OutboxEmail).where(
                    OutboxEmail.template == "invoice_issued", OutboxEmail.subject.contains(invoice.number)
                )
            )
        )
    return invoice, mails


def assert_all_or_nothing(app: Any, invoice_id: int) -> bool:
    """True when the invoice was fully issued, False when it is still the untouched draft."""
    invoice, mails = state_of(app, invoice_id)
    if invoice.number is None:
        assert invoice.state is InvoiceState.DRAFT
        assert invoice.pdf_sha256 is None and invoice.issue_date is None
        assert documents.read(invoice.school_id, None) is None
        assert len(invoice.lines) == LINES
        return False
    assert invoice.state is InvoiceState.ISSUED
    stored = documents.read(invoice.school_id, invoice.pdf_sha256)  # committed with the number
    assert stored and hashlib.sha256(stored).hexdigest() == invoice.pdf_sha256
    assert len(mails) == 1
    return True


def test_sigkill_during_issuance_leaves_all_or_nothing(app, world, tmp_path, figures):
    server = Server(app, tmp_path / "gunicorn.log")
    world.company.email = "compta@zephyr.example.com"
    ids = drafts(world, 4, lines=LINES)
    year = local_today().year
    server.start()
    try:
        admin = Browser(server)
        admin.sign_in(world.admin.email)
        # 1. Killed while the number is drawn and the PDF is being rendered.
        thread = issue_in_background(admin, ids[0])
        deadline = time.monotonic() + 60
        while not writer_active(app):
            assert time.monotonic() < deadline, "the issue never started"
            time.sleep(0.01)
        time.sleep(0.3)
        assert writer_active(app), "the issue finished before the kill: make the draft longer"
        server.kill()
        thread.join(timeout=30)
        assert assert_all_or_nothing(app, ids[0]) is False
        # 2. A new server issues the same draft: it gets the number the dead one had drawn.
        server.start()
        admin = Browser(server)
        admin.sign_in(world.admin.email)
        assert admin.post(f"/invoices/{ids[0]}/issue", {}) == 200  # redirected to the invoice
        assert assert_all_or_nothing(app, ids[0]) is True
        assert state_of(app, ids[0])[0].number == f"FA-{year}-0001"
        # 3. Kills at moments spread over the issue of the others: all or nothing each time.
        issued = 1
        for delay, invoice_id in zip((0.05, 0.6, 3.0), ids[1:], strict=True):
            thread = issue_in_background(admin, invoice_id)
            time.sleep(delay)
            server.kill()
            thread.join(timeout=30)
            issued += assert_all_or_nothing(app, invoice_id)
            server.start()
            admin = Browser(server)
            admin.sign_in(world.admin.email)
        # Whatever was killed when, the numbers have no gap.
        numbers = sorted(
            db.session.scalars(sa.select(Invoice.number).where(Invoice.number.is_not(None))).all()
        )
        assert numbers == [f"FA-{year}-{n:04d}" for n in range(1, issued + 1)]
        figures(
            kills=4,
            issued_in_full=issued,
            left_untouched=4 - issued,
            half_issued=0,
            numbers_lost=0,
        )
    finally:
        if server.process and server.process.poll() is None:
            server.kill()


def _workers(server: Server) -> list[int]:
    assert server.process is not None
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text()
    return [int(pid) for pid in children.split()]


def test_a_worker_killed_under_load_fails_only_its_requests_and_loses_no_write(app, world, tmp_path, figures):
    server = Server(app, tmp_path / "gunicorn.log", workers=2)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Order))
    email = world.customer_user.email
    db.session.remove()
    server.start()
    load = WriteLoad(server.url, email)
    kills: list[float] = []
    try:
        load.start()
        time.sleep(2)
        for _ in range(3):
            victim = _workers(server)[0]
            kills.append(time.monotonic())
            os.kill(victim, signal.SIGKILL)
            deadline = time.monotonic() + 30
            while len(_workers(server)) < 2 or victim in _workers(server):
                assert time.monotonic() < deadline, "gunicorn did not replace its worker"
                time.sleep(0.05)
            time.sleep(1.5)
        replaced = time.monotonic()
        time.sleep(1)
    finally:
        load.stop()
        server.stop()
    db.session.expire_all()
    titles = set(db.session.scalars(sa.select(Order.title).execution_options(all_schools=True)))
    lost = load.acknowledged() - titles
    assert not lost, f"acknowledged writes lost: {sorted(lost)[:10]}"
    statuses = load.statuses()
    assert set(statuses) <= {302, 0}, statuses  # a killed request gets no answer, never a 500
    assert statuses[0] <= len(kills), "more requests failed than the killed workers were answering"
    assert set(load.statuses(replaced)) == {302}
    figures(
        kills=len(kills),
        requests=len(load.answers),
        requests_failed=statuses[0],
        data_lost=len(lost),
        written_but_unanswered=len(titles) - before - len(load.acknowledged()),
        time_to_recover=", ".join(f"{load.first_success_after(k) - k:.2f} s" for k in kills),
    )
