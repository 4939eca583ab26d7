"""The task queue's rules: which queue a URL names, claims that expire, backoff, health."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
import time_machine
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from ecoprod import create_app, deferred, jobs
from ecoprod.config import DEFAULTS
from ecoprod.database import utcnow
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.notifications.models import OutboxEmail, OutboxStatus
from ecoprod.notifications.outbox import pending_ids, retry_delay
from ecoprod.orders.models import Unit
from ecoprod.pricing.models import LineKind
from ecoprod.quotes import jobs as quote_jobs
from ecoprod.quotes import services as quotes
from ecoprod.quotes.models import PdfStatus, Quote
from ecoprod.tenancy import scoped_to
from tests.conftest import make_config


@pytest.mark.parametrize(
    ("url", "storage", "immediate"),
    [
        ("immediate://", MemoryStorage, True),
        ("sqlite:///jobs.sqlite3", SqliteStorage, False),
        ("redis://127.0.0.1:6379/3", RedisStorage, False),
    ],
)
def test_the_url_names_the_queue(tmp_path, url, storage, immediate):
    found, runs_here = jobs.storage_for(url, str(tmp_path))
    assert isinstance(found, storage) and runs_here is immediate
    if storage is SqliteStorage:
        assert found.filename == str(tmp_path / "jobs.sqlite3")  # relative to instance/


def test_an_unknown_queue_is_refused_at_start(tmp_path):
    with pytest.raises(ValueError, match="JOBS_URL"):
        jobs.storage_for("amqp://broker", str(tmp_path))


def test_redis_url_serves_throttling_and_the_queue_unless_told_otherwise(app, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    config = make_config(url, tmp_path, REDIS_URL="redis://127.0.0.1:6379/15")
    config["RATELIMIT_STORAGE_URI"] = DEFAULTS["RATELIMIT_STORAGE_URI"]
    config["JOBS_URL"] = DEFAULTS["JOBS_URL"]
    try:
        other = create_app(config)  # no connection is opened: nothing to dispose
        assert other.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/15"
        assert other.config["JOBS_URL"] == "redis://127.0.0.1:6379/15"
        told = create_app({**config, "JOBS_URL": "sqlite:///elsewhere.sqlite3"})
        assert told.config["JOBS_URL"] == "sqlite:///elsewhere.sqlite3"
    finally:
        jobs.init_app(app)  # the suite's immediate queue again


def test_failed_e_mails_wait_longer_each_time(app):
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_delay(30) == timedelta(hours=6)
    app.config["OUTBOX_RETRY_SECONDS"] = 5
    try:
        assert [retry_delay(n) for n in (1, 2, 3)] == [timedelta(seconds=s) for s in (5, 10, 20)]
    finally:
        app.config["OUTBOX_RETRY_SECONDS"] = 60


def _email(**values) -> OutboxEmail:
    email = OutboxEmail(to_address="a@b.example", subject="s", body="b", template="t", **values)
    db.session.add(email)
    db.session.commit()
    return email


def test_the_sweep_waits_for_the_backoff_and_takes_over_dead_claims(app):
    due = _email(status=OutboxStatus.FAILED, attempts=1, next_attempt_at=utcnow() - timedelta(seconds=1))
    waiting = _email(status=OutboxStatus.FAILED, attempts=2, next_attempt_at=utcnow() + timedelta(minutes=2))
    live = _email(status=OutboxStatus.SENDING, attempts=1, claimed_at=utcnow())
    dead = _email(
        status=OutboxStatus.SENDING, attempts=1, claimed_at=utcnow() - jobs.lease() - timedelta(seconds=1)
    )
    assert pending_ids() == [due.id, dead.id]
    assert live.id not in pending_ids(due_only=False)
    assert pending_ids(due_only=False) == [due.id, waiting.id, dead.id]  # `flask outbox send`


def _sent_quote(factory, world) -> Quote:
    line = quotes.PricedLineInput(LineKind.OTHER, "Axe", Unit.PIECE, Decimal(1), Decimal(10), Decimal(20))
    with scoped_to(db.session, world.school.id):
        quote = quotes.start_quote(factory.order(world.customer_user), world.master)
        quotes.save_draft(
            quote,
            world.master,
            quotes.QuoteInput(lines=[line], valid_until=local_today() + timedelta(days=9)),
        )
        quotes.send(quote, world.master)
        db.session.commit()
    deferred.take_committed(db.session)  # dropped: this test runs the job itself
    return quote


def test_a_quote_under_a_live_claim_is_left_to_its_renderer_until_the_claim_expires(app, factory, world):
    quote = _sent_quote(factory, world)
    db.session.execute(sa.update(Quote).where(Quote.id == quote.id).values(pdf_claimed_at=utcnow()))
    db.session.commit()
    assert quote.id not in quote_jobs.pending_pdf_ids()
    quote_jobs.render_pdf_and_notify.call_local(quote.id)
    db.session.refresh(quote)
    assert quote.pdf_status is PdfStatus.PENDING and quote.pdf_sha256 is None  # not rendered twice

    with time_machine.travel(utcnow() + jobs.lease() + timedelta(seconds=5)):
        assert quote.id in quote_jobs.pending_pdf_ids()
        quote_jobs.render_pdf_and_notify.call_local(quote.id)
    db.session.refresh(quote)
    assert quote.pdf_status is PdfStatus.READY and quote.pdf_claimed_at is None
    mails = db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.template == "quote_sent")).all()
    quote_jobs.render_pdf_and_notify.call_local(quote.id)  # once more: nothing happens
    assert (
        db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.template == "quote_sent")).all() == mails
    )


def test_health_says_which_part_is_down(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "database: ok" in response.text and "queue: ok (immediate" in response.text
    saved = jobs.huey.storage
    jobs.huey.storage = RedisStorage("ecoprod", url="redis://127.0.0.1:1/0")  # nothing listens there
    try:
        response = client.get("/healthz")
    finally:
        jobs.huey.storage = saved
    assert response.status_code == 503
    assert "database: ok" in response.text and "queue: down" in response.text
