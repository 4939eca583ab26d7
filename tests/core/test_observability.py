"""Watching EcoProd run: /metrics behind its token, JSON log lines with the request id, the
request id carried across the job queue and into the e-mails it queued."""

from __future__ import annotations

import json
import logging
from typing import Any

from huey.storage import MemoryStorage

from ecoprod import audit, jobs, observability
from ecoprod.extensions import db
from ecoprod.notifications.models import OutboxEmail
from tests.conftest import login_as, post
from tests.core.test_mail import smtp  # noqa: F401 - the loopback SMTP server fixture


def test_metrics_need_the_token_and_report_latency_backlog_and_queue(app, client, world) -> None:
    assert client.get("/metrics").status_code == 404  # no token configured: no metrics
    app.config["METRICS_TOKEN"] = "s3cret-scrape"
    try:
        assert client.get("/metrics").status_code == 403
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
        login_as(client, world.admin)
        assert client.get("/invoices").status_code == 200  # a session is no token either
        assert client.get("/metrics").status_code == 403
        shown = client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape"})
        assert shown.status_code == 200 and shown.mimetype == "text/plain"
        text = shown.get_data(as_text=True)
    finally:
        app.config["METRICS_TOKEN"] = None
    assert 'ecoprod_request_seconds_count{endpoint="invoicing.index",method="GET"}' in text
    assert 'ecoprod_requests_total{endpoint="invoicing.index",status="200"}' in text
    assert 'ecoprod_outbox_backlog{state="queued"}' in text
    assert "ecoprod_outbox_abandoned" in text and "ecoprod_jobs_waiting" in text
    assert "ecoprod_pdf_render_seconds" in text


def test_a_log_line_is_json_with_the_request_id(app) -> None:
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(observability.JsonFormatter().format(record))

    logger = logging.getLogger("ecoprod.test")
    logger.addHandler(handler := Keep())
    try:
        with app.test_request_context("/", headers={"X-Request-Id": "req-abc"}):
            app.preprocess_request()  # what binds the request's context
            logger.warning("quelque chose à dire")
            try:
                raise ValueError("boom")
            except ValueError:
                logger.exception("avec sa pile")
    finally:
        logger.removeHandler(handler)
        audit.bind(audit.Context())
    line, failure = (json.loads(r) for r in records)
    assert line["message"] == "quelque chose à dire" and line["level"] == "WARNING"
    assert line["request_id"] == failure["request_id"] == "req-abc" and line["time"].endswith("+00:00")
    assert "ValueError: boom" in failure["exception"]


def test_a_job_carries_the_request_id_to_the_worker(app, monkeypatch) -> None:
    monkeypatch.setattr(jobs.huey, "immediate", False)
    monkeypatch.setattr(jobs.huey, "storage", MemoryStorage("observability"))
    seen: list[Any] = []

    def sample(value: int) -> None:
        seen.append((value, audit.current().request_id))

    task_of_sample = jobs.job()(sample)
    audit.bind(audit.Context(request_id="req-from-a-request"))
    try:
        task_of_sample(7)  # enqueued, as a request does after its commit
    finally:
        audit.bind(audit.Context())
    task = jobs.huey.dequeue()
    assert task.kwargs == {jobs.REQUEST_ID: "req-from-a-request"}
    # The worker runs it in an app context of its own, as `flask jobs worker` does.
    monkeypatch.setattr(jobs, "_worker_app", app)
    monkeypatch.setattr(jobs, "has_app_context", lambda: False)
    jobs.huey.execute(task)
    assert seen == [(7, "req-from-a-request")]
    assert audit.current().request_id is None  # nothing left bound for the next job
    text = observability.exposition().decode()
    assert 'ecoprod_jobs_total{job="tests.core.test_observability.sample",outcome="done"}' in text


def test_an_email_keeps_the_request_that_queued_it(world, client, smtp) -> None:  # noqa: F811
    login_as(client, world.customer_user)
    response = post(
        client,
        f"/requests/{world.draft.id}/submit",
        headers={"X-Request-Id": "req-submit-1"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    (message,) = smtp.wait_for(1)
    assert message["X-EcoProd-Request-Id"] == "req-submit-1"
    assert {
        e.request_id for e in db.session.query(OutboxEmail).filter(OutboxEmail.request_id.is_not(None))
    } == {"req-submit-1"}
