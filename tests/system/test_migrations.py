"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ecoprod.extensions import db


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
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
