"""Neither the development server of ``make run`` nor production's gunicorn names versions
in the ``Server`` header (review finding 8); both run for real here, on loopback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.servers import ROOT, Server, free_port


def _headers(url: str) -> dict[str, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own server on loopback
            return dict(response.headers)
    except urllib.error.HTTPError as error:  # a 404 page announces itself the same way
        return dict(error.headers)


def _no_version(headers: dict[str, str]) -> None:
    server = headers.get("Server", "")
    assert not re.search(r"\d", server), server
    assert "werkzeug" not in server.lower() and "python" not in server.lower(), server


def test_the_development_server_announces_no_version(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "ECOPROD_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.sqlite3'}",
        "SECRET_KEY": "dev-server-test",
        "JOBS_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
    }
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "ecoprod", "serve", "--no-reload", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                headers = _headers(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail((tmp_path / "serve.log").read_text()[-2000:])
                time.sleep(0.2)
        assert headers.get("Server") == "EcoProd"
        _no_version(headers)
        _no_version(_headers(f"http://127.0.0.1:{port}/no-such-page"))
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
    served = (tmp_path / "serve.log").read_text()
    worker = re.search(r"Job worker started \(pid (\d+)\)", served)
    assert worker, served[-2000:]  # make run's server starts a worker beside it …
    assert not Path(f"/proc/{worker.group(1)}").exists() or _is_zombie(worker.group(1)), "… and stops it"


def _is_zombie(pid: str) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_gunicorn_announces_no_version(app, tmp_path):
    server = Server(app, tmp_path / "gunicorn.log")
    server.start()
    try:
        headers = _headers(f"{server.url}/healthz")
        assert headers.get("Server") == "gunicorn"
        _no_version(headers)
        _no_version(_headers(f"{server.url}/no-such-page"))
    finally:
        server.kill()
