"""PostgreSQL crashed and restarted under a write load: the app answers a clear 503 while
the database is away, recovers by itself once it is back (no restart of the app, no stale
connection), and every write it acknowledged is in the database afterwards.

The database is a PostgreSQL server of the suite's own (``private_postgres``), stopped with
``pg_ctl -m immediate`` (no checkpoint, no clean shutdown: recovery from the WAL at start),
behind a real gunicorn with two workers, loaded by four customers submitting requests."""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from ecoprod import create_app
from ecoprod.extensions import db
from ecoprod.orders.models import Order
from tests.conftest import BACKEND, _reset_schema, make_config
from tests.factories import Factory
from tests.faults.conftest import PrivatePostgres
from tests.faults.load import WriteLoad
from tests.servers import Server

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

DOWN_SECONDS = 3


def _health(server: Server) -> int:
    try:
        with urllib.request.urlopen(f"{server.url}/healthz", timeout=10) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture
def app_on_private_postgres(private_postgres: PrivatePostgres, tmp_path) -> Iterator[Flask]:
    """The app on the server the test crashes; its connections closed even when the test
    fails (a connection left for the garbage collector fails a later test with a warning)."""
    if BACKEND != "postgresql":
        pytest.skip("a PostgreSQL fault: run in the suite's PostgreSQL pass")
    app = create_app(make_config(private_postgres.url, tmp_path / "uploads"))
    _reset_schema(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_app_rides_out_a_postgresql_crash_and_loses_no_acknowledged_write(
    app_on_private_postgres: Flask, private_postgres: PrivatePostgres, tmp_path, figures
):
    app = app_on_private_postgres
    with app.app_context():
        world = Factory().world()
        email = world.customer_user.email
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Order))
        db.session.remove()
    server = Server(app, tmp_path / "gunicorn.log", workers=2)
    server.start()
    load = WriteLoad(server.url, email)
    try:
        load.start()
        time.sleep(3)
        assert load.acknowledged(), "no write went through before the fault"
        crashed = time.monotonic()
        private_postgres.crash()
        time.sleep(1)
        health_while_down = _health(server)
        time.sleep(DOWN_SECONDS - 1)
        private_postgres.start()
        back = time.monotonic()
        deadline = back + 60
        while not any(a.status == 302 and a.at > back for a in load.answers):
            assert time.monotonic() < deadline, "the app did not recover by itself"
            time.sleep(0.05)
        time.sleep(3)  # and it keeps working
        health_after = _health(server)
    finally:
        load.stop()
        server.stop()

    recovered = load.first_success_after(back)
    during = load.statuses(crashed, recovered)
    after = load.statuses(recovered + 0.5)
    assert health_while_down == 503 and health_after == 200
    # Every answer during the fault is the clear 503 (or, at the very moment of the crash,
    # nothing); never a 500. After the recovery, every write goes through again.
    assert set(during) <= {302, 503, 0}, during
    assert during[0] <= load.clients, during
    assert set(after) == {302}, after
    with app.app_context():
        titles = set(db.session.scalars(sa.select(Order.title).execution_options(all_schools=True)))
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Order))
        db.session.remove()
    lost = load.acknowledged() - titles
    assert not lost, f"acknowledged writes lost: {sorted(lost)[:10]}"
    figures(
        requests=len(load.answers),
        acknowledged=len(load.acknowledged()),
        failed_during_fault=sum(n for status, n in during.items() if status != 302),
        answered_503=during[503],
        no_answer=during[0],
        data_lost=len(lost),
        rows_written=total - before,
        database_down=f"{back - crashed:.1f} s",
        time_to_recover=f"{recovered - back:.2f} s after PostgreSQL was back",
    )


def test_a_database_gone_after_the_answer_leaves_the_answer_as_it_was(app, caplog):
    """The crash after a view has answered (and committed): closing the request's session
    cannot roll back the transaction opened since, on a connection the server has closed.
    The connection is dropped, the answer stands, the next request gets a new connection.
    (A 500 there told a customer that a request which was saved had failed.)"""
    if BACKEND != "postgresql":
        pytest.skip("pg_terminate_backend: run in the suite's PostgreSQL pass")
    context = app.app_context()
    context.push()
    try:
        pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))  # a transaction is open
        with db.engine.connect() as other:
            other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            alive = sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
            deadline = time.monotonic() + 10
            while other.scalar(alive, {"pid": pid}) and time.monotonic() < deadline:
                time.sleep(0.02)
    finally:
        with caplog.at_level(logging.WARNING, logger="ecoprod.web.errors"):
            context.pop()  # raised OperationalError before (Flask-SQLAlchemy's removal)
    assert "database gone while closing" in caplog.text
    with app.app_context():
        assert db.session.scalar(sa.text("SELECT 1")) == 1
