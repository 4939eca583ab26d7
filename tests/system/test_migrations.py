"""The migrations build exactly the schema the models describe."""

import itertools
import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ecoprod.database import include_object
from ecoprod.extensions import db


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        with warnings.catch_warnings():
            # SQLite's reflection cannot read the expression of ix_invoices_school_issued
            # (PostgreSQL's can, and compares it).
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
            warnings.filterwarnings(
                "ignore", "autogenerate skipping metadata-specified expression-based index"
            )
            diff = compare_metadata(context, db.metadata)
    assert diff == [], f"schema drift, run `flask db migrate`: {diff}"


def test_stored_addresses_take_their_one_spelling(tmp_path):
    """Migration 0011 on a database of the previous release (a fresh SQLite file)."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from ecoprod import create_app
    from tests.conftest import make_config

    app = create_app(make_config(f"sqlite:///{tmp_path / 'old.sqlite3'}", tmp_path / "uploads"))
    with app.app_context():
        upgrade(revision="0010")
        with db.engine.begin() as connection:
            for n, email in enumerate(["\uff41dmin@ecole.fr.", "plain@ecole.fr", "admin@ecole.fr"], start=1):
                connection.execute(
                    sa.text(
                        "INSERT INTO users (id, email, full_name, role, status, session_token, created_at, updated_at)"
                        " VALUES (:id, :email, 'X', 'operator', 'active', 't', '2026-01-01', '2026-01-01')"
                    ),
                    {"id": n, "email": email},
                )
            connection.execute(
                sa.text(
                    "INSERT INTO users (id, email, full_name, role, status, session_token, created_at, updated_at) VALUES (4, 'caf\u0065\u0301@ecole.fr', 'Y', 'operator', 'active', 't', '2026-01-01', '2026-01-01')"
                )
            )
        upgrade()
        with db.engine.connect() as connection:
            emails = dict(connection.execute(sa.text("SELECT id, email FROM users")).all())
        db.engine.dispose()
    assert emails[1] == "\uff41dmin@ecole.fr."  # its spelling belongs to user 3: left for a person to decide
    assert emails[2] == "plain@ecole.fr" and emails[3] == "admin@ecole.fr"
    assert emails[4] == "caf\u00e9@ecole.fr"


_SERIAL = itertools.count(1)
KNOWN = {"vat_regime": "subject", "role": "operator", "status": "active"}  # values the checks accept


def _insert(connection, table: str, **values) -> int:
    """A row with these values and a placeholder in every other required column (parents made too)."""
    import sqlalchemy as sa

    columns = connection.execute(sa.text(f"PRAGMA table_info({table})")).all()
    parents = {fk[3]: fk[2] for fk in connection.execute(sa.text(f"PRAGMA foreign_key_list({table})")).all()}
    row = dict(values)
    for _cid, name, kind, notnull, default, pk in columns:
        if name in row or pk or not notnull or default is not None:
            continue
        if name in parents:
            row[name] = _insert(connection, parents[name])
        elif "INT" in kind.upper() or "NUMERIC" in kind.upper() or "BOOL" in kind.upper():
            row[name] = 1
        elif "DATE" in kind.upper():
            row[name] = "2026-01-01 00:00:00.000000"
        else:
            row[name] = KNOWN.get(name, f"{name[:3]}{next(_SERIAL)}")
    names = ", ".join(row)
    marks = ", ".join(f":{key}" for key in row)
    return connection.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), row).lastrowid  # noqa: S608


def test_issued_files_move_into_the_database_and_invoices_stay_frozen(tmp_path):
    """Migration 0013 on a database of the previous release (a fresh SQLite file)."""
    import hashlib

    import pytest
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from ecoprod import create_app
    from tests.conftest import make_config

    uploads = tmp_path / "uploads"
    app = create_app(make_config(f"sqlite:///{tmp_path / 'old.sqlite3'}", uploads))
    invoice_pdf, quote_pdf, copy_pdf = b"%PDF-1.7 invoice", b"%PDF-1.7 quote", b"%PDF-1.7 stamped"
    with app.app_context():
        upgrade(revision="0012")
        with db.engine.begin() as connection:
            school = _insert(connection, "schools", slug="s")
            (uploads / str(school)).mkdir(parents=True)
            for name, data in (("i" * 32, invoice_pdf), ("q" * 32, quote_pdf), ("c" * 32, copy_pdf)):
                (uploads / str(school) / name).write_bytes(data)
            invoice = _insert(
                connection,
                "invoices",
                school_id=school,
                number="F-2026-0001",
                pdf_file="i" * 32,
                pdf_sha256=hashlib.sha256(invoice_pdf).hexdigest(),
            )
            quote = _insert(
                connection,
                "quotes",
                school_id=school,
                pdf_status="ready",
                pdf_file="q" * 32,
                pdf_sha256=hashlib.sha256(quote_pdf).hexdigest(),
                accepted_pdf_file="c" * 32,
            )
            _insert(connection, "delivery_notes", school_id=school, pdf_file="m" * 32, pdf_sha256="0" * 64)
        upgrade()
        with db.engine.begin() as connection:
            stored = dict(connection.execute(sa.text("SELECT sha256, data FROM documents")).all())
            copy = connection.scalar(
                sa.text("SELECT accepted_copy_sha256 FROM quotes WHERE id = :id"), {"id": quote}
            )
        assert set(stored.values()) == {invoice_pdf, quote_pdf, copy_pdf}  # the missing one is skipped
        assert stored[copy] == copy_pdf
        with pytest.raises(sa.exc.IntegrityError, match="frozen"), db.engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE invoices SET pdf_sha256 = 'x' WHERE id = :id"), {"id": invoice}
            )
        db.engine.dispose()
