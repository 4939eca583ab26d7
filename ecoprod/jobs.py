"""The task queue: work after a response runs in a worker process, on a kept queue (Huey).

``JOBS_URL`` chooses the queue:

- ``sqlite:///<path>`` (default ``instance/jobs.sqlite3``): an embedded queue for
  ``make run``, nothing to install;
- ``redis://host:port/db``: production, shared by every app process and worker;
- ``immediate://``: each job runs where it is enqueued (the tests, one-off scripts).

Domains declare their jobs with ``@job`` (in their ``jobs`` module) and their periodic
tasks with ``@periodic``; ``flask jobs worker`` runs them. The rows a job works on stay the
source of truth (the outbox, a quote waiting for its PDF): every job claims its row before
working and can run twice without doing anything twice, and the periodic sweeps enqueue
again whatever a killed process left, once its lease (``JOBS_LEASE_SECONDS``) has expired.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, current_app, has_app_context
from huey import Huey, crontab, signals
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from ecoprod import audit, deferred, observability
from ecoprod.extensions import db

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

# Storage is chosen by ``init_app``; until then (imports, the worker's start) nothing is kept.
huey = Huey("ecoprod", results=False, utc=True, storage_class=MemoryStorage)

_worker_app: Flask | None = None


def storage_for(url: str, instance_path: str) -> tuple[Any, bool]:
    """The Huey storage for ``JOBS_URL`` and whether jobs run immediately."""
    if url.startswith("immediate:"):
        return MemoryStorage("ecoprod"), True
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStorage("ecoprod", url=url), False
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.is_absolute():
            path = Path(instance_path) / path
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteStorage("ecoprod", filename=str(path)), False
    raise ValueError(f"JOBS_URL must start with sqlite:///, redis:// or immediate:// (not {url!r})")


def init_app(app: Flask) -> None:
    url = app.config.setdefault("JOBS_URL", "sqlite:///jobs.sqlite3")
    storage, immediate = storage_for(url, app.instance_path)
    huey.immediate_use_memory = False  # keep the storage chosen here in both modes
    huey.immediate = immediate
    huey.storage = storage
    app.extensions["ecoprod.jobs"] = url


def lease(app: Flask | None = None) -> timedelta:
    """How long a claim holds before a sweep may take the work over from a dead process."""
    config = (app or current_app).config
    return timedelta(seconds=int(config["JOBS_LEASE_SECONDS"]))


REQUEST_ID = "_request_id"  # the keyword a job carries the enqueuing request's id in


@huey.signal(signals.SIGNAL_ENQUEUED)
def _carry_request_id(signal: str, task: Any, *args: Any, **kwargs: Any) -> None:
    """Each job takes the id of the request (or job) that enqueued it, for its log lines."""
    request_id = audit.current().request_id
    if request_id and isinstance(task.kwargs, dict):
        task.kwargs.setdefault(REQUEST_ID, request_id)


def _in_app(fn: Callable[..., Any]) -> Callable[..., Any]:
    name = f"{fn.__module__}.{fn.__name__}"

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        request_id = kwargs.pop(REQUEST_ID, None)
        if has_app_context():  # immediate mode: enqueued from a request or a command
            return fn(*args, **kwargs)
        if _worker_app is None:
            raise RuntimeError("a job ran outside `flask jobs worker`")
        audit.bind(audit.Context(request_id=request_id or f"job-{uuid.uuid4().hex[:12]}"))
        with _worker_app.app_context():
            try:
                result = fn(*args, **kwargs)
                enqueue_committed()  # what the job committed starts its own jobs
            except Exception:
                db.session.rollback()
                observability.JOBS.labels(name, "failed").inc()
                log.exception("job %s failed", name)
                raise
            else:
                observability.JOBS.labels(name, "done").inc()
                return result
            finally:
                db.session.remove()
                audit.bind(audit.Context())

    return run


def enqueue_committed() -> None:
    """Enqueue the jobs the current session's committed transactions registered."""
    deferred.run_calls(current_app._get_current_object(), deferred.take_committed(db.session))  # type: ignore[attr-defined]


def job(*, retries: int = 0, retry_delay: int = 30, retry_backoff: float = 2.0) -> Callable[[F], F]:
    """A task run by the worker; calling it enqueues it. Retried with exponential backoff."""

    def decorate(fn: F) -> F:
        name = f"{fn.__module__}.{fn.__name__}"
        return huey.task(  # type: ignore[no-any-return]
            retries=retries, retry_delay=retry_delay, retry_backoff=retry_backoff, name=name
        )(_in_app(fn))

    return decorate


_AT_START: list[Callable[[], Any]] = []


def periodic(schedule: Callable[..., bool], *, at_start: bool = False) -> Callable[[F], F]:
    """A task the worker runs on this schedule (``every_minute()``, ``daily_at(6)``), and
    once as it starts with ``at_start`` (a sweep: a restarted worker resumes at once)."""

    def decorate(fn: F) -> F:
        name = f"{fn.__module__}.{fn.__name__}"
        task = huey.periodic_task(schedule, name=name)(_in_app(fn))
        if at_start:
            _AT_START.append(task)
        return task  # type: ignore[no-any-return]

    return decorate


def every_minute() -> Callable[..., bool]:
    return crontab()


def every_minutes(minutes: int) -> Callable[..., bool]:
    return crontab(minute=f"*/{minutes}")


def daily_at(hour: int, minute: int = 0) -> Callable[..., bool]:
    """Every day at this UTC time."""
    return crontab(minute=str(minute), hour=str(hour))


def run_worker(app: Flask, workers: int = 2, periodic_tasks: bool = True) -> None:
    """Consume the queue until SIGINT/SIGTERM (``flask jobs worker``)."""
    global _worker_app
    _worker_app = app
    if huey.immediate:
        raise RuntimeError("JOBS_URL=immediate:// runs jobs where they are enqueued: no worker needed")
    consumer = huey.create_consumer(
        workers=workers, worker_type="thread", periodic=periodic_tasks, check_worker_health=True
    )
    log.info("worker on %s, %d threads", app.extensions["ecoprod.jobs"], workers)
    for sweep in _AT_START:
        sweep()  # enqueued: whatever a previous worker left is picked up now, not in a minute
    consumer.run()


def queue_health() -> tuple[bool, str]:
    """Whether the queue answers (``/healthz``), with how many jobs wait."""
    try:
        waiting = huey.pending_count()
    except Exception as exc:  # the broker is down or unreachable
        return False, f"{_kind()}, {type(exc).__name__}"
    return True, f"{_kind()}, {waiting} waiting"


def _kind() -> str:
    return "immediate" if huey.immediate else type(huey.storage).__name__.removesuffix("Storage").lower()
