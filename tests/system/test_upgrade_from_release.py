"""An instance of the last landed release upgrades to this code with its data intact
(issue 11): the release named in ``migrations/LAST_RELEASE`` is checked out of git, its own
code migrates an empty database and seeds the demo schools (issued quotes, delivery notes,
invoices and credit notes, payments); then this code's ``flask db upgrade`` runs and every
table keeps its rows, every issued invoice its number, amounts and PDF (same SHA-256,
stored bytes hashing to it), and the database still refuses to change an issued invoice.
On SQLite and PostgreSQL (a database of its own on the test server)."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import BACKEND

ROOT = Path(__file__).resolve().parents[2]
RELEASE = (ROOT / "migrations" / "LAST_RELEASE").read_text().strip()


def _checkout(target: Path) -> Path:
    """The release's files (``git archive``: no work tree touched). A shallow clone may not
    hold the release: then the test says so and skips; a full one must."""
    shallow = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--is-shallow-repository"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    known = subprocess.run(
        ["git", "-C", str(ROOT), "cat-file", "-e", f"{RELEASE}^{{commit}}"], check=False
    ).returncode
    if known != 0 and shallow == "true":
        pytest.skip(f"this clone is shallow and does not hold the release {RELEASE}")
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", RELEASE],
        check=True, capture_output=True, timeout=120,
    ).stdout  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


@pytest.fixture
def database(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database for the old release: a file, or a database of its own."""
    if BACKEND != "postgresql":
        yield f"sqlite:///{tmp_path / 'release.sqlite3'}"
        return
    server = sa.make_url(database_url)
    name = f"ecoprod_release_{os.getpid()}"
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _flask(code: Path, url: str, uploads: Path, *args: str) -> None:
    env = {
        **os.environ,
        "ECOPROD_ENV": "development",
        "SECRET_KEY": "release-upgrade",
        "DATABASE_URL": url,
        "JOBS_URL": "immediate://",
        "ECOPROD_UPLOAD_FOLDER": str(uploads),
        "PYTHONPATH": str(code),
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "ecoprod", *args],
        cwd=code, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, f"flask {' '.join(args)} in {code}:\n{done.stdout}\n{done.stderr}"


def _snapshot(url: str) -> dict[str, object]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
        counts = {t: connection.scalar(sa.text(f'SELECT count(*) FROM "{t}"')) for t in tables}  # noqa: S608
        invoices = connection.execute(
            sa.text(
                "SELECT id, number, kind, state, total_net, total_vat, total_gross, amount_due, pdf_sha256"
                " FROM invoices WHERE number IS NOT NULL ORDER BY id"
            )
        ).all()
        documents = {
            sha: hashlib.sha256(bytes(data)).hexdigest()
            for sha, data in connection.execute(sa.text("SELECT sha256, data FROM documents"))
        }
        head = connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
    engine.dispose()
    return {
        "counts": counts,
        "invoices": [tuple(row) for row in invoices],
        "documents": documents,
        "head": head,
    }


def test_the_last_release_upgrades_with_its_data_intact(database: str, tmp_path: Path) -> None:
    old = _checkout(tmp_path / "release")
    uploads = tmp_path / "uploads"
    _flask(old, database, uploads, "db", "upgrade")
    _flask(old, database, uploads, "seed", "demo")
    before = _snapshot(database)
    assert before["invoices"], "the release's demo issued no invoice"

    _flask(ROOT, database, uploads, "db", "upgrade")
    after = _snapshot(database)

    assert after["head"] != before["head"]  # this code has migrations the release had not
    new_tables = set(after["counts"]) - set(before["counts"])
    assert {t: after["counts"][t] for t in before["counts"] if t != "alembic_version"} == {
        t: n for t, n in before["counts"].items() if t != "alembic_version"
    }
    assert not {"invoices", "documents"} & new_tables
    assert after["invoices"] == before["invoices"]  # numbers, amounts and PDFs' SHA-256 as issued
    assert after["documents"] == before["documents"]
    assert all(stored == computed for stored, computed in after["documents"].items())  # bytes intact
    assert {row[8] for row in after["invoices"]} <= set(after["documents"])

    engine = sa.create_engine(database)
    issued = after["invoices"][0]
    with pytest.raises(sa.exc.DatabaseError), engine.begin() as connection:
        connection.execute(sa.text("UPDATE invoices SET number = 'X-0001' WHERE id = :id"), {"id": issued[0]})
    with pytest.raises(sa.exc.DatabaseError), engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM invoices WHERE id = :id"), {"id": issued[0]})
    engine.dispose()
