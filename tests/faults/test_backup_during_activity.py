"""A full backup taken in the middle of activity (customers submitting requests with
drawings, an administrator issuing invoices, on a real gunicorn) and restored into an empty
instance: the archive is one consistent state. Every row counted is restored; every issued
invoice keeps its PDF (same SHA-256) and the numbers have no gap; every drawing a restored
row names is there with its SHA-256; every request acknowledged before the backup began is
in it; and nobody's request failed because a backup was running."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from ecoprod.backup import backup, restore
from ecoprod.backup import database as backup_database
from ecoprod.documents import StoredDocument
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing.models import Invoice
from ecoprod.orders.models import Attachment, Order
from tests.conftest import login_as
from tests.factories import PDF_BYTES, drafts
from tests.faults.conftest import wait_until
from tests.faults.load import WriteLoad
from tests.servers import Browser, Server
from tests.system.test_backup import target  # noqa: F401 - the empty instance to restore into

pytestmark = pytest.mark.faults

DRAFTS = 6


def test_a_backup_taken_during_activity_restores_one_consistent_state(
    app,
    world,
    target,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
    figures,
):
    ids = drafts(world, DRAFTS, lines=20)
    email, admin_email = world.customer_user.email, world.admin.email
    db.session.remove()
    server = Server(app, tmp_path / "gunicorn.log", workers=2)
    server.start()
    load = WriteLoad(server.url, email, clients=3, drawing=PDF_BYTES)
    issued: list[int] = []

    def issue_all() -> None:
        admin = Browser(server)
        admin.sign_in(admin_email)
        for invoice_id in ids:
            if admin.post(f"/invoices/{invoice_id}/issue", {}) == 200:
                issued.append(invoice_id)
            time.sleep(0.3)

    issuer = threading.Thread(target=issue_all, daemon=True)
    archive = tmp_path / "instance.tar"
    try:
        load.start()
        issuer.start()
        time.sleep(2)
        wait_until(lambda: bool(issued), 120, "a first invoice issued")  # the backup holds one
        began = time.monotonic()
        manifest = backup(archive)
        ended = time.monotonic()
        time.sleep(1.5)
        issuer.join(timeout=120)
    finally:
        load.stop()
        server.stop()
    acknowledged_before = {a.title for a in load.answers if a.status == 302 and a.at < began}
    assert acknowledged_before and issued
    during = load.statuses(began, ended)

    with target.app_context():
        restore(archive)
        assert backup_database.counts(db.engine) == manifest.counts
        titles = set(db.session.scalars(sa.select(Order.title).execution_options(all_schools=True)))
        missing = acknowledged_before - titles
        invoices = db.session.scalars(
            sa.select(Invoice).where(Invoice.number.is_not(None)).execution_options(all_schools=True)
        ).all()
        documents = dict(
            db.session.execute(
                sa.select(StoredDocument.sha256, StoredDocument.data).execution_options(all_schools=True)
            ).all()
        )
        uploads = Path(target.config["UPLOAD_FOLDER"])
        attachments = db.session.scalars(sa.select(Attachment).execution_options(all_schools=True)).all()
        without_file = [
            a.id
            for a in attachments
            if not (path := uploads / str(a.school_id) / a.stored_name).is_file()
            or hashlib.sha256(path.read_bytes()).hexdigest() != a.sha256
        ]
        stored_names = {a.stored_name for a in attachments}
        orphans = [p for p in uploads.rglob("*") if p.is_file() and p.name not in stored_names]
        year = local_today().year
        numbers = sorted(i.number for i in invoices)
        assert numbers == [f"FA-{year}-{n:04d}" for n in range(1, len(numbers) + 1)]
        for invoice in invoices:
            assert hashlib.sha256(documents[invoice.pdf_sha256]).hexdigest() == invoice.pdf_sha256
        restored_invoice = invoices[0].id if invoices else None
        restored_sha = invoices[0].pdf_sha256 if invoices else None
        admin = db.session.get(type(world.admin), world.admin.id)
        db.session.remove()
    assert not missing, f"acknowledged before the backup, not in it: {sorted(missing)[:5]}"
    assert without_file == [], "restored rows whose drawing is missing"
    assert set(during) <= {302}, during  # the backup made nobody's request fail
    assert restored_invoice is not None, "no issued invoice in the backup"
    pdf = login_as(target.test_client(), admin).get(f"/invoices/{restored_invoice}/pdf")
    assert pdf.status_code == 200 and hashlib.sha256(pdf.data).hexdigest() == restored_sha
    figures(
        backup_seconds=f"{ended - began:.2f}",
        requests_during_backup=sum(during.values()),
        failed_during_backup=sum(n for s, n in during.items() if s != 302),
        rows_restored=sum(manifest.counts.values()),
        invoices_in_backup=f"{len(invoices)} of {len(issued)} issued",
        data_lost=len(missing) + len(without_file),
        files_without_row=len(orphans),
    )
