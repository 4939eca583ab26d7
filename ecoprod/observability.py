"""Watching EcoProd run: logs as JSON lines carrying the request id, and Prometheus metrics.

- **Logs** (``LOG_FORMAT=json``, the default in production): one JSON object per line —
  time (UTC), level, logger, message, ``request_id`` (the request's, or the one the job was
  enqueued with: ``ecoprod.jobs`` carries it across the queue, and each e-mail keeps the id
  of the request that queued it), exception.
- **Metrics** on ``/metrics`` (``Authorization: Bearer $METRICS_TOKEN``; off without a
  token): request latency per endpoint, job runs by outcome, the queue's depth, the outbox's
  backlog and abandoned e-mails, PDF render time. With several processes on a machine
  (gunicorn workers, the job worker), set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder
  they share, as ``prometheus_client`` asks: every scrape then adds them all up.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric

from ecoprod import audit

REQUEST_SECONDS = Histogram(
    "ecoprod_request_seconds", "Time to answer a request, per endpoint", ["endpoint", "method"]
)
REQUESTS = Counter(
    "ecoprod_requests_total", "Requests answered, per endpoint and status", ["endpoint", "status"]
)
JOBS = Counter("ecoprod_jobs_total", "Jobs run by the worker, per job and outcome", ["job", "outcome"])
DATABASE_FAULTS = Counter(
    "ecoprod_database_faults_total",
    "Requests answered 503 because the database was at fault (disk full, unavailable)",
    ["fault"],
)
PDF_SECONDS = Histogram(
    "ecoprod_pdf_render_seconds",
    "Time to render a PDF",
    ["template"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
)


# --- Logs ----------------------------------------------------------------------------------


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON, with the request (or job) it belongs to."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or audit.current().request_id,
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def configure_logging(app: Flask) -> None:
    """JSON lines on standard error when ``LOG_FORMAT`` is ``json`` (left alone otherwise)."""
    if app.config["LOG_FORMAT"] != "json":
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.INFO)
    app.logger.handlers = []  # through the root's handler, once


# --- Metrics -------------------------------------------------------------------------------


def _start_timer() -> None:
    g.request_started = time.perf_counter()


def _observe(response: Any) -> Any:
    started = g.pop("request_started", None)
    if started is not None:
        endpoint = (
            request.url_rule.endpoint if request.url_rule else "unmatched"
        )  # no path: no label explosion
        REQUEST_SECONDS.labels(endpoint, request.method).observe(time.perf_counter() - started)
        REQUESTS.labels(endpoint, str(response.status_code)).inc()
    return response


class StateCollector:
    """Gauges read when scraped: the queue's depth, the outbox's backlog (in an app context)."""

    def collect(self) -> Iterator[Metric]:
        from ecoprod import jobs
        from ecoprod.extensions import db
        from ecoprod.notifications.models import OutboxEmail, OutboxStatus

        depth = GaugeMetricFamily("ecoprod_jobs_waiting", "Jobs waiting on the queue")
        try:
            depth.add_metric([], jobs.huey.pending_count())
        except Exception:  # the broker is down: the gauge is absent, /healthz says why
            logging.getLogger(__name__).warning("queue depth unavailable", exc_info=True)
        else:
            yield depth
        counts = dict(
            db.session.execute(
                sa.select(OutboxEmail.status, sa.func.count())
                .group_by(OutboxEmail.status)
                .execution_options(all_schools=True)
            ).all()
        )
        backlog = GaugeMetricFamily(
            "ecoprod_outbox_backlog", "E-mails not sent yet, by state", labels=["state"]
        )
        for state in (OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.FAILED):
            backlog.add_metric([state.value], counts.get(state, 0))
        yield backlog
        abandoned = GaugeMetricFamily("ecoprod_outbox_abandoned", "E-mails given up after every attempt")
        abandoned.add_metric([], counts.get(OutboxStatus.ABANDONED, 0))
        yield abandoned


def exposition() -> bytes:
    """The metrics text: this process's (or every process's, in multiprocess mode) and the
    gauges of the shared state."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in (REQUEST_SECONDS, REQUESTS, JOBS, PDF_SECONDS):
            registry.register(collector)
    registry.register(StateCollector())
    return generate_latest(registry)


def init_app(app: Flask) -> None:
    configure_logging(app)
    app.before_request(_start_timer)
    app.after_request(_observe)
