"""``flask jobs …``: the worker that runs the queued jobs and the periodic sweeps."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ecoprod import jobs

jobs_cli = AppGroup("jobs", help="Background jobs (the task queue).")


@jobs_cli.command("worker")
@click.option("--threads", default=2, show_default=True, help="Jobs run at once by this worker.")
@click.option(
    "--periodic/--no-periodic",
    default=True,
    show_default=True,
    help="Also run the periodic sweeps and daily tasks (one worker per instance is enough).",
)
def worker(threads: int, periodic: bool) -> None:
    """Run queued jobs until stopped (SIGINT or SIGTERM finish the jobs under way)."""
    jobs.run_worker(current_app._get_current_object(), workers=threads, periodic_tasks=periodic)  # type: ignore[attr-defined]


@jobs_cli.command("status")
def status() -> None:
    """How many jobs wait on the queue."""
    healthy, detail = jobs.queue_health()
    click.echo(f"{current_app.extensions['ecoprod.jobs']}: {detail}")
    if not healthy:
        raise SystemExit(1)
