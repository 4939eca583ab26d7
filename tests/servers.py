"""Real servers on loopback for the tests: gunicorn on the test database, a browser-like client."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = (sys.executable, "-m", "gunicorn", "--timeout", "120")
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``gunicorn wsgi:app`` on the test database, in a process group of its own."""

    def __init__(self, app: Any, log: Path, workers: int = 1, **env: str) -> None:
        self.env = {
            **os.environ,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "crash-test-secret",
            "ECOPROD_ENV": "development",
            "ECOPROD_UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
            "ECOPROD_BASE_URL": "http://ecoprod.test",
            "JOBS_URL": f"sqlite:///{log.parent / 'jobs.sqlite3'}",
            **env,
        }
        self.env.pop("MAIL_SERVER", None)
        self.workers = workers
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    def start(self) -> None:
        self.port = free_port()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*GUNICORN, "--workers", str(self.workers), "-b", f"127.0.0.1:{self.port}", "wsgi:app"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                health = f"{self.url}/healthz"  # our own server on loopback
                with urllib.request.urlopen(health, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.kill()
        pytest.fail(f"gunicorn did not start:\n{self.log.read_text()[-3000:]}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)

    def kill(self) -> None:
        """SIGKILL the master and its worker at once: no clean-up code of ours runs."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


class Browser:
    """Cookies and CSRF like a browser, over plain HTTP."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> str:
        return self.get_bytes(path).decode()

    def get_bytes(self, path: str) -> bytes:
        with self.opener.open(self.server.url + path, timeout=60) as response:
            return response.read()

    def post(self, path: str, fields: dict[str, str]) -> int:
        token = CSRF.search(self.get("/login" if path == "/login" else "/"))
        assert token, "no CSRF token"
        body = urllib.parse.urlencode({**fields, "csrf_token": token.group(1)}).encode()
        with self.opener.open(self.server.url + path, data=body, timeout=120) as response:
            response.read()
            return response.status

    def sign_in(self, email: str) -> None:
        self.post("/login", {"email": email, "password": PASSWORD})
        assert "logout" in self.get("/").lower(), "not signed in"
