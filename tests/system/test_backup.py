"""Backup and restore round trip, on the suite's backend (SQLite or PostgreSQL): every table's
rows, every stored document's bytes and every upload come back; the restored instance serves
the same PDF and keeps the access matrix; a damaged or mismatched archive, or a target that
is not empty, is refused with a message and nothing is written."""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from ecoprod import create_app
from ecoprod.backup import BackupError, backup, export_school, read_manifest, restore
from ecoprod.backup import database as backup_database
from ecoprod.documents import StoredDocument
from ecoprod.extensions import db
from tests.conftest import login_as, make_config
from tests.system.access.routes import MATRIX
from tests.system.access.scene import ROLES, _check, build_scene


@pytest.fixture
def target(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """A second instance: a new, empty database of the same engine and an empty file store."""
    url = sa.make_url(database_url)
    if url.get_backend_name() == "postgresql":
        name = f"ecoprod_restore_{secrets.token_hex(4)}"
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        target_url = url.set(database=name).render_as_string(hide_password=False)
    else:
        name, admin = "", None
        target_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    restored = create_app(make_config(target_url, tmp_path / "restored-uploads"))
    yield restored
    with restored.app_context():
        db.engine.dispose()
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _documents() -> dict[tuple[int, str], str]:
    rows = db.session.execute(
        sa.select(StoredDocument.school_id, StoredDocument.sha256, StoredDocument.data).execution_options(
            all_schools=True
        )
    )
    return {(school, sha): hashlib.sha256(data).hexdigest() for school, sha, data in rows}


def _files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def test_a_restored_instance_is_the_same_and_keeps_the_access_matrix(
    app: Flask, factory: Any, target: Flask, tmp_path: Path
) -> None:
    scene = build_scene(factory, with_quotes=True, with_invoices=True)
    gets = {e: (c, c.url(scene)) for e, c in MATRIX.items() if c.method == "GET"}
    sessions = {role: user.get_id() if user else None for role, user in scene.users.items()}
    invoice_id, invoice_sha = scene.invoice.id, scene.invoice.pdf_sha256
    db.session.commit()
    counts = backup_database.counts(db.engine)
    documents = _documents()
    files = _files(Path(app.config["UPLOAD_FOLDER"]))
    assert invoice_sha and (scene.world.school.id, invoice_sha) in documents and files

    archive = tmp_path / "instance.tar"
    manifest = backup(archive)
    assert manifest.counts == counts and len(manifest.files) == len(files)
    assert read_manifest(archive).migration_head == manifest.migration_head is not None

    with target.app_context():
        restore(archive)
        assert backup_database.counts(db.engine) == counts
        assert _documents() == documents
        assert all(sha == digest for (_school, sha), digest in documents.items())
        assert _files(Path(target.config["UPLOAD_FOLDER"])) == files
        db.session.remove()

    admin = login_as(target.test_client(), scene.users["admin"])
    pdf = admin.get(f"/invoices/{invoice_id}/pdf")
    assert pdf.status_code == 200 and hashlib.sha256(pdf.data).hexdigest() == invoice_sha

    for endpoint, (case, url) in gets.items():
        for role in ROLES:
            client = target.test_client()
            if sessions[role]:
                with client.session_transaction() as session:
                    session["_user_id"], session["_fresh"] = sessions[role], True
            _check(client.get(url), role, case.statuses[role], endpoint)


def _rewritten(archive: Path, out: Path, change: Any) -> Path:
    """A copy of ``archive`` whose members pass through ``change(name, bytes) -> bytes``."""
    with tarfile.open(archive) as source, tarfile.open(out, "w") as copy:
        for info in source:
            data = change(info.name, source.extractfile(info).read())
            info.size = len(data)
            copy.addfile(info, io.BytesIO(data))
    return out


def _refused(target: Flask, archive: Path, words: str) -> None:
    with target.app_context():
        with pytest.raises(BackupError, match=words):
            restore(archive)
        assert backup_database.tables(db.engine) == []  # nothing written
    assert not Path(target.config["UPLOAD_FOLDER"]).exists()


def test_a_damaged_or_mismatched_archive_is_refused_and_nothing_is_written(
    app: Flask, world: Any, target: Flask, tmp_path: Path
) -> None:
    archive = tmp_path / "instance.tar"
    backup(archive)

    def flip(name: str, data: bytes) -> bytes:
        return data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:] if name.startswith("database/") else data

    _refused(target, _rewritten(archive, tmp_path / "flipped.tar", flip), "damaged")

    def other_head(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migration_head"] = "0001"
        return json.dumps(manifest).encode()

    _refused(target, _rewritten(archive, tmp_path / "old.tar", other_head), "migration 0001")

    cut = tmp_path / "cut.tar"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    _refused(target, cut, "no manifest|damaged|cut short")

    stranger = tmp_path / "stranger.tar"
    stranger.write_bytes(b"%PDF-1.4 not an archive")
    _refused(target, stranger, "cannot be read as a backup archive")


def test_a_restore_never_writes_over_an_instance_in_use(app: Flask, world: Any, tmp_path: Path) -> None:
    archive = tmp_path / "instance.tar"
    backup(archive)
    before = backup_database.counts(db.engine)
    with pytest.raises(BackupError, match="database is not empty"):
        restore(archive)
    assert backup_database.counts(db.engine) == before


def test_the_commands_say_what_they_did_and_why_they_refuse(app: Flask, world: Any, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    archive = tmp_path / "cli.tar"
    done = runner.invoke(args=["backup", "--output", str(archive)])
    assert done.exit_code == 0, done.output
    assert "rows in" in done.output and archive.exists()
    refused = runner.invoke(args=["restore", str(archive)])
    assert refused.exit_code == 1 and "database is not empty" in refused.output


def test_a_school_that_leaves_takes_its_data_and_nothing_of_another(
    app: Flask, factory: Any, target: Flask, tmp_path: Path
) -> None:
    scene = build_scene(factory, with_quotes=True, with_invoices=True)
    school, other = scene.world.school, scene.world.other_school
    invoice_id, invoice_sha, slug = scene.invoice.id, scene.invoice.pdf_sha256, school.slug
    admin_session = scene.users["admin"].get_id()
    ours = {key: digest for key, digest in _documents().items() if key[0] == school.id}
    uploads = Path(app.config["UPLOAD_FOLDER"])
    our_files = {p: d for p, d in _files(uploads).items() if p.startswith(f"{school.id}/")}
    other_name = other.name
    db.session.commit()

    archive = tmp_path / "school.tar"
    manifest = export_school(archive, school.id, slug)
    assert manifest.school == slug and manifest.counts["schools"] == 1 and manifest.counts["invoices"] >= 1
    assert len(manifest.files) == len(our_files) >= 1  # the logo

    with target.app_context():
        restore(archive)
        restored = backup_database.counts(db.engine)
        assert {t: restored[t] for t in manifest.counts} == manifest.counts
        assert _documents() == ours
        schools = db.metadata.tables["schools"]
        assert db.session.execute(sa.select(schools.c.id, schools.c.slug)).all() == [(school.id, slug)]
        db.session.remove()
    assert _files(Path(target.config["UPLOAD_FOLDER"])) == our_files

    client = target.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = admin_session, True
    pdf = client.get(f"/invoices/{invoice_id}/pdf")
    assert pdf.status_code == 200 and hashlib.sha256(pdf.data).hexdigest() == invoice_sha
    for page in ("/invoices", "/requests", "/dashboard", "/admin/customers/"):
        shown = client.get(page)
        assert shown.status_code == 200 and other_name not in shown.get_data(as_text=True)
