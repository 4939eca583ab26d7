"""The disk refusing a write (a real tmpfs filled to its last byte): during an upload the
customer is told beside the field and nothing is saved, no file, no row; during an issue the
admin is told the disk is full, the invoice stays the draft it was and its number is not
used up; once space is freed the same actions succeed, with no gap in the numbers.

SQLite keeps the whole database on the small disk; PostgreSQL keeps the issued documents'
table there (a tablespace), since the database server, not the app, writes its files."""

from __future__ import annotations

import io
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from ecoprod import create_app
from ecoprod.documents import StoredDocument
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing.models import Invoice, InvoiceState
from ecoprod.notifications.models import OutboxEmail
from ecoprod.orders.models import Attachment, Order
from tests.conftest import BACKEND, IsolatedClient, _reset_schema, csrf_token, login_as, make_config
from tests.factories import PDF_BYTES, Factory, drafts
from tests.faults.conftest import SmallDisk
from tests.orders.test_request_form import form_data

pytestmark = pytest.mark.faults

FULL = "le stockage du serveur l’a refusé"
DISK_FULL_PAGE = "son disque est plein. Rien n’a été enregistré."


def _counts() -> tuple[int, int]:
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Order, Attachment))


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_an_upload_refused_by_a_full_disk_says_so_beside_the_field_and_saves_nothing(
    app, world, client, small_disk: SmallDisk, figures
):
    uploads = small_disk.path / "uploads"
    uploads.mkdir()
    saved_folder, app.config["UPLOAD_FOLDER"] = app.config["UPLOAD_FOLDER"], str(uploads)
    try:
        customer = login_as(client, world.customer_user)
        token = csrf_token(customer)
        before = _counts()

        small_disk.fill()
        response = customer.post(
            "/requests/new",
            data={**form_data(drawings=(io.BytesIO(PDF_BYTES), "plan.pdf")), "csrf_token": token},
        )
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert 'id="drawings-error"' in html and FULL in html, html[-3000:]
        db.session.expire_all()
        assert _counts() == before
        assert _files(uploads) == [], "a part of the file was left behind"

        small_disk.free()
        freed = time.monotonic()
        response = customer.post(
            "/requests/new",
            data={**form_data(drawings=(io.BytesIO(PDF_BYTES), "plan.pdf")), "csrf_token": token},
        )
        recovered = time.monotonic() - freed
        assert response.status_code == 302
        attachment = db.session.scalars(sa.select(Attachment).order_by(Attachment.id.desc()).limit(1)).one()
        assert (uploads / str(attachment.school_id) / attachment.stored_name).read_bytes() == PDF_BYTES
    finally:
        app.config["UPLOAD_FOLDER"] = saved_folder
    figures(requests_failed=1, data_lost=0, files_left_behind=0, time_to_recover=f"{recovered:.2f} s")


# --- Issuing --------------------------------------------------------------------------------


@pytest.fixture
def documents_on_small_disk(request, small_disk: SmallDisk, tmp_path) -> Iterator[tuple[Flask, Any]]:
    """An application whose issued documents are written to the small disk, and its world."""
    if BACKEND == "postgresql":
        app, world = request.getfixturevalue("app"), request.getfixturevalue("world")
        location = small_disk.path / "pg"
        location.mkdir(mode=0o700)
        if os.geteuid() == 0:
            shutil.chown(location, "postgres", "postgres")
        autocommit = db.engine.execution_options(isolation_level="AUTOCOMMIT")
        with autocommit.connect() as connection:
            connection.execute(sa.text(f"CREATE TABLESPACE ecoprod_small_disk LOCATION '{location}'"))
            connection.execute(sa.text("ALTER TABLE documents SET TABLESPACE ecoprod_small_disk"))
        try:
            yield app, world
        finally:
            small_disk.free()
            db.session.remove()
            with autocommit.connect() as connection:
                connection.execute(sa.text("ALTER TABLE documents SET TABLESPACE pg_default"))
                connection.execute(sa.text("DROP TABLESPACE ecoprod_small_disk"))
        return
    url = f"sqlite:///{small_disk.path / 'ecoprod.sqlite3'}"
    app = create_app(make_config(url, tmp_path / "uploads"))
    app.test_client_class = IsolatedClient
    _reset_schema(app)
    with app.app_context():
        world = Factory().world()
        yield app, world
        db.session.remove()
        db.engine.dispose()


def _checkpoint() -> None:
    """SQLite: empty the write-ahead log, so that the next write has to find new space."""
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def test_an_issue_refused_by_a_full_disk_keeps_the_draft_and_its_number(
    documents_on_small_disk, small_disk: SmallDisk, figures
):
    app, world = documents_on_small_disk
    [invoice_id] = drafts(world, 1, lines=30)
    admin = login_as(app.test_client(), world.admin)
    token = csrf_token(admin)
    emails_before = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEmail))
    db.session.remove()
    _checkpoint()

    small_disk.fill()
    response = admin.post(f"/invoices/{invoice_id}/issue", data={"csrf_token": token})
    assert response.status_code == 503
    assert DISK_FULL_PAGE in response.get_data(as_text=True)
    small_disk.free()
    freed = time.monotonic()

    invoice = db.session.get(Invoice, invoice_id)
    assert invoice.state is InvoiceState.DRAFT and invoice.number is None and invoice.pdf_sha256 is None
    assert len(invoice.lines) == 30
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredDocument)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEmail)) == emails_before
    db.session.remove()

    response = admin.post(f"/invoices/{invoice_id}/issue", data={"csrf_token": token})
    recovered = time.monotonic() - freed
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    invoice = db.session.get(Invoice, invoice_id)
    assert invoice.state is InvoiceState.ISSUED
    assert invoice.number == f"FA-{local_today().year}-0001"  # the refused issue used up no number
    assert db.session.scalar(sa.select(StoredDocument.sha256)) == invoice.pdf_sha256
    figures(
        backend=BACKEND, requests_failed=1, data_lost=0, numbers_lost=0, time_to_recover=f"{recovered:.2f} s"
    )
