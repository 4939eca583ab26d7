"""Crash safety of issuing: a real gunicorn killed with SIGKILL in the middle of issuing an
invoice leaves either the whole issued invoice (number, stored PDF, outbox e-mail) or the
untouched draft, and the number it had drawn is drawn again by the next issue (no gap).

The draft has many lines so that rendering its PDF, which happens after the number is drawn
and before the commit, takes a good part of a second: the kill lands there.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing.models import Invoice, InvoiceKind, InvoiceLine, InvoiceState
from ecoprod.notifications.models import OutboxEmail
from ecoprod.orders.models import Unit
from ecoprod.pricing.models import LineKind
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
LINES = 250
GUNICORN = (sys.executable, "-m", "gunicorn", "--workers", "1", "--timeout", "120")
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``gunicorn wsgi:app`` on the test database, in a process group of its own."""

    def __init__(self, app: Any, log: Path) -> None:
        self.env = {
            **os.environ,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "crash-test-secret",
            "ECOPROD_ENV": "development",
            "ECOPROD_UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
            "ECOPROD_BASE_URL": "http://ecoprod.test",
        }
        self.env.pop("MAIL_SERVER", None)
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    def start(self) -> None:
        self.port = free_port()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*GUNICORN, "-b", f"127.0.0.1:{self.port}", "wsgi:app"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                health = f"{self.url}/healthz"  # our own server on loopback
                with urllib.request.urlopen(health, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.kill()
        pytest.fail(f"gunicorn did not start:\n{self.log.read_text()[-3000:]}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """SIGKILL the master and its worker at once: no clean-up code of ours runs."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


class Browser:
    """Cookies and CSRF like a browser, over plain HTTP."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.server.url + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict[str, str]) -> int:
        token = CSRF.search(self.get("/login" if path == "/login" else "/"))
        assert token, "no CSRF token"
        body = urllib.parse.urlencode({**fields, "csrf_token": token.group(1)}).encode()
        with self.opener.open(self.server.url + path, data=body, timeout=120) as response:
            response.read()
            return response.status

    def sign_in(self, email: str) -> None:
        self.post("/login", {"email": email, "password": PASSWORD})
        assert "logout" in self.get("/").lower(), "not signed in"


def draft(world: Any, n: int) -> int:
    invoice = Invoice(
        school_id=world.school.id,
        kind=InvoiceKind.INVOICE,
        customer_id=world.company.id,
        created_by_id=world.admin.id,
        language="fr",
    )
    for position in range(1, LINES + 1):
        invoice.lines.append(
            InvoiceLine(
                school_id=world.school.id,
                position=position,
                kind=LineKind.LABOUR,
                description=f"Facture {n}, prestation {position} : usinage et contrôle",
                unit=Unit.HOUR,
                quantity=Decimal("1.5"),
                unit_price=Decimal("45.00"),
                vat_rate=Decimal("20"),
            )
        )
    db.session.add(invoice)
    db.session.commit()
    return invoice.id


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
        assert invoice.pdf_file is None and invoice.pdf_sha256 is None and invoice.issue_date is None
        assert len(invoice.lines) == LINES
        return False
    assert invoice.state is InvoiceState.ISSUED
    path = Path(app.config["UPLOAD_FOLDER"]) / str(invoice.school_id) / invoice.pdf_file
    assert hashlib.sha256(path.read_bytes()).hexdigest() == invoice.pdf_sha256
    assert len(mails) == 1
    return True


def test_sigkill_during_issuance_leaves_all_or_nothing(app, world, tmp_path):
    server = Server(app, tmp_path / "gunicorn.log")
    world.company.email = "compta@zephyr.example.com"
    ids = [draft(world, n) for n in range(4)]
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
    finally:
        if server.process and server.process.poll() is None:
            server.kill()
