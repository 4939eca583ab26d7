"""``flask serve``: the development server of ``make run``, announcing no versions, with a
job worker beside it (``flask jobs worker``, stopped with the server).

Werkzeug's own server sends ``Server: Werkzeug/3.x Python/3.x``, which tells a visitor
which versions to look up; this one sends ``Server: EcoProd``. Production runs gunicorn,
whose header names no version either (``tests/test_server_header.py`` checks both).
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import WSGIRequestHandler, run_simple

from ecoprod.jobs import huey


class QuietRequestHandler(WSGIRequestHandler):
    def version_string(self) -> str:
        return "EcoProd"

    @property
    def server_version(self) -> str:  # the WSGI environ's SERVER_SOFTWARE
        return "EcoProd"


def start_worker() -> subprocess.Popen[bytes] | None:
    """``flask jobs worker`` beside the development server, stopped with it (``make run``)."""
    if os.environ.get("WERKZEUG_RUN_MAIN") or huey.immediate:
        return None  # the reloader's child: the parent started it already
    command = [sys.executable, "-m", "flask", "--app", "ecoprod", "jobs", "worker", "--threads", "2"]
    process = subprocess.Popen(command)  # noqa: S603 - our own interpreter and arguments
    atexit.register(_stop, process)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # so that atexit stops the worker too
    click.echo(f" * Job worker started (pid {process.pid}) on {current_app.config['JOBS_URL']}")
    return process


def start_sandbox(port: int) -> subprocess.Popen[bytes] | None:
    """``flask einvoicing sandbox`` beside the development server: the demo school's platform."""
    if os.environ.get("WERKZEUG_RUN_MAIN"):
        return None
    command = [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "ecoprod",
        "einvoicing",
        "sandbox",
        "--port",
        str(port),
    ]
    process = subprocess.Popen(command)  # noqa: S603 - our own interpreter and arguments
    atexit.register(_stop, process)
    return process


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # finish the jobs under way
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--reload/--no-reload", default=True, show_default=True, help="Restart when the code changes.")
@click.option("--worker/--no-worker", default=True, show_default=True, help="Also run a job worker.")
@click.option(
    "--sandbox-port", type=int, default=None, help="Also run the sandbox e-invoicing platform on this port."
)
@with_appcontext
def serve(host: str, port: int, reload: bool, worker: bool, sandbox_port: int | None) -> None:
    """Serve the application for development (``make run``), with a job worker beside it."""
    if worker:
        start_worker()
    if sandbox_port:
        start_sandbox(sandbox_port)
    run_simple(
        host,
        port,
        current_app._get_current_object(),
        use_reloader=reload,
        use_debugger=False,
        threaded=True,
        request_handler=QuietRequestHandler,
    )
