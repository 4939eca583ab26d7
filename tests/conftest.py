"""Shared fixtures: the app on SQLite or PostgreSQL, a clean database per test, factories.

The schema is built once per run by the real Alembic migrations; each test then works on
an empty database (tables emptied after it), with real commits, so what runs here is
what runs in production: no mocked session, no nested-transaction tricks.

Backends: SQLite by default; ``ECOPROD_TEST_BACKEND=postgresql`` with ``TEST_DATABASE_URL``
runs the same suite on PostgreSQL (``make test`` does both when the URL is set).
"""

from __future__ import annotations

import contextvars
import os
import re
import shutil
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from ecoprod import create_app
from ecoprod.extensions import db, limiter

from . import lazy_loads
from .factories import Factory

BACKEND = os.environ.get("ECOPROD_TEST_BACKEND", "sqlite")
REQUIRE_POSTGRES = os.environ.get("ECOPROD_REQUIRE_POSTGRES") == "1"


def pytest_report_header(config: pytest.Config) -> str:
    return f"ecoprod database backend: {BACKEND}"


def _postgres_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        message = "ECOPROD_TEST_BACKEND=postgresql needs TEST_DATABASE_URL"
        if REQUIRE_POSTGRES:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from ecoprod.config import normalise_database_url

    url = normalise_database_url(url)
    try:
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
        engine.dispose()
    except sa.exc.OperationalError as exc:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required but unreachable: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    return url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if BACKEND == "postgresql":
        return _postgres_url()
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def make_config(database_url: str, upload_folder: Path, **extra: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "ECOPROD_ENV": "test",
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20},
        "UPLOAD_FOLDER": str(upload_folder),
        # A cheap KDF: hashing is not what these tests measure (one test checks scrypt).
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATELIMIT_STORAGE_URI": "memory://",
        "JOBS_URL": "immediate://",
        "MAIL_SERVER": None,
        "UPLOAD_MAX_BYTES": 256 * 1024,
        "LOGO_MAX_BYTES": 64 * 1024,
        "BASE_URL": "http://ecoprod.test",
        # A fixed Fernet key (not SECRET_KEY): secrets sealed in one test open in the next.
        "ENCRYPTION_KEY": "m2bVQ1b2Y5Zk6c0xv3mR8H7v2a9rXq0LwS4tE1uYz3A=",
        # Every exchange with a platform checked against the AFNOR documents.
        "EINVOICING_CHECK_CONTRACT": True,
        "EINVOICING_TIMEOUT": 5,
        **extra,
    }


def _reset_schema(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
        else:
            db.drop_all()
            with db.engine.begin() as connection:
                connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, as in production.

    Flask would otherwise reuse the application context the test holds, sharing ``g``
    (the signed-in user) and the database session between requests.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def _app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    uploads = tmp_path_factory.mktemp("uploads")
    app = create_app(make_config(database_url, uploads))
    app.test_client_class = IsolatedClient
    _reset_schema(app)
    yield app
    with app.app_context():
        db.engine.dispose()


def empty_database(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                quoted = ", ".join(f'"{name}"' for name in tables)
                connection.execute(sa.text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
            else:
                # The triggers that keep issued invoices forever are set aside for the clean-up.
                triggers = connection.execute(
                    sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
                ).all()
                for name, _sql in triggers:
                    connection.execute(sa.text(f'DROP TRIGGER "{name}"'))
                for name in tables:
                    connection.execute(sa.text(f'DELETE FROM "{name}"'))  # noqa: S608 - table names from our metadata
                for _name, sql in triggers:
                    connection.execute(sa.text(sql))


@pytest.fixture
def app(_app: Flask) -> Iterator[Flask]:
    """The application with an empty database; whatever the test leaves is removed."""
    with _app.app_context():
        yield _app
        db.session.remove()
    empty_database(_app)
    limiter.reset()
    shutil.rmtree(_app.config["UPLOAD_FOLDER"], ignore_errors=True)


@pytest.fixture(autouse=True)
def _no_row_by_row_loads(request: pytest.FixtureRequest) -> Iterator[None]:
    """A request that lazily loads one relationship per row fails its test (``lazy_loads``)."""
    lazy_loads.install()
    lazy_loads.take()
    yield
    found = sorted(set(lazy_loads.take()))
    report = os.environ.get("ECOPROD_LAZY_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as out:
            out.writelines(f"{request.node.nodeid}\t{line}\n" for line in found)
        return
    assert not found, "relationships loaded row by row:\n" + "\n".join(found)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def workday() -> Iterator[date]:
    """The coming Wednesday, 10:00 in Paris: time logged "today" by a test must fall on a
    day the workshops are open, whatever day the suite runs (the time-log rules)."""
    from ecoprod.i18n import SCHOOL_TIMEZONE

    today = datetime.now(SCHOOL_TIMEZONE).date()
    wednesday = today + timedelta(days=(2 - today.weekday()) % 7 or 7)
    with time_machine.travel(datetime.combine(wednesday, time(10), SCHOOL_TIMEZONE), tick=True):
        yield wednesday


@pytest.fixture
def factory(app: Flask) -> Factory:
    return Factory()


@pytest.fixture
def world(factory: Factory) -> Any:
    """Two schools, staff, two companies in school A and one in B, orders in several states."""
    return factory.world()


# --- HTTP helpers ------------------------------------------------------------------------------

_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_token(client: FlaskClient) -> str:
    """A valid token for this client's session (every HTML page carries one)."""
    response = client.get("/__no_such_page__")
    match = _CSRF_META.search(response.get_data(as_text=True))
    assert match, "no CSRF token in the page"
    return match.group(1)


def login_as(client: FlaskClient, user: Any) -> FlaskClient:
    """Sign ``user`` in without the login form (the form has tests of its own)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


def post(client: FlaskClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    payload = dict(data or {})
    payload.setdefault("csrf_token", csrf_token(client))
    return client.post(url, data=payload, **kwargs)


@pytest.fixture
def count_queries(app: Flask) -> Any:
    """``with count_queries() as counter: …; counter.count`` — SQL statements sent."""
    from contextlib import contextmanager

    @contextmanager
    def counting() -> Iterator[Any]:
        class Counter:
            count = 0
            statements: list[str] = []

        counter = Counter()
        counter.statements = []

        def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            counter.count += 1
            counter.statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", before)

    return counting


# --- Signing in and e-mails ----------------------------------------------------------------------


def sign_in(client, email, password=None, **extra):
    from tests.factories import PASSWORD

    return client.post(
        "/login",
        data={
            "email": email,
            "password": password if password is not None else PASSWORD,
            "csrf_token": csrf_token(client),
            **extra,
        },
    )


def last_email_to(address):
    from ecoprod.notifications.models import OutboxEmail

    email = db.session.scalars(
        sa.select(OutboxEmail).where(OutboxEmail.to_address == address).order_by(OutboxEmail.id.desc())
    ).first()
    assert email is not None, f"no e-mail to {address}"
    return email


def link_in(email):
    return re.search(r"http://ecoprod\.test(/\S+)", email.body).group(1)
