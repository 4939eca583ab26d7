"""``flask serve``: the development server of ``make run``, announcing no versions.

Werkzeug's own server sends ``Server: Werkzeug/3.x Python/3.x``, which tells a visitor
which versions to look up; this one sends ``Server: EcoProd``. Production runs gunicorn,
whose header names no version either (``tests/test_server_header.py`` checks both).
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import WSGIRequestHandler, run_simple


class QuietRequestHandler(WSGIRequestHandler):
    def version_string(self) -> str:
        return "EcoProd"

    @property
    def server_version(self) -> str:  # the WSGI environ's SERVER_SOFTWARE
        return "EcoProd"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--reload/--no-reload", default=True, show_default=True, help="Restart when the code changes.")
@with_appcontext
def serve(host: str, port: int, reload: bool) -> None:
    """Serve the application for development (``make run``)."""
    run_simple(
        host,
        port,
        current_app._get_current_object(),
        use_reloader=reload,
        use_debugger=False,
        threaded=True,
        request_handler=QuietRequestHandler,
    )
