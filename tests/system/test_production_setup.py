"""The production set-up the README describes starts and shares its state through Redis:
``flask db upgrade`` and gunicorn in production mode with ``REDIS_URL``; sign-in throttling
counted across two instances; a session opened on one instance valid on the other.

Redis runs on every machine of this kind (127.0.0.1:6379); these tests use its database 15.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
import redis

from ecoprod.extensions import db
from tests.servers import ROOT, Browser, Server

REDIS_URL = os.environ.get("ECOPROD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def clean_redis():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("ECOPROD_REQUIRE_REDIS"):
            pytest.fail(f"Redis is required and unreachable at {REDIS_URL}")
        pytest.skip(f"Redis unreachable at {REDIS_URL}")
    client.flushdb()
    yield client
    client.flushdb()


def _production_env(app, tmp_path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ECOPROD_") and key not in ("RATELIMIT_STORAGE_URI", "JOBS_URL")
    }
    return {
        **env,
        "SECRET_KEY": "production-set-up-test",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": REDIS_URL,
        "ECOPROD_UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
    }


def test_migrations_run_in_production_mode_with_redis(app, tmp_path, clean_redis):
    env = _production_env(app, tmp_path)
    env["DATABASE_URL"] = (
        f"sqlite:///{tmp_path / 'fresh.sqlite3'}" if "sqlite" in env["DATABASE_URL"] else env["DATABASE_URL"]
    )
    _flask(env, "db", "upgrade")
    assert _flask(env, "jobs", "status").startswith("redis://")


def _flask(env: dict[str, str], *args: str) -> str:
    """Run a ``flask`` command as the README says; its output, or the test fails with its errors."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "ecoprod", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _login_status(browser: Browser, email: str, password: str) -> int:
    try:
        return browser.post("/login", {"email": email, "password": password})
    except urllib.error.HTTPError as error:
        return error.code


def test_two_instances_share_throttling_and_sessions_through_redis(app, world, tmp_path, clean_redis):
    env = _production_env(app, tmp_path)
    env["ECOPROD_ENV"] = "development"  # plain http on loopback: cookies without Secure
    db.session.commit()
    first = Server(app, tmp_path / "first.log", workers=2, **env)
    second = Server(app, tmp_path / "second.log", workers=2, **env)
    first.env.pop("JOBS_URL"), second.env.pop("JOBS_URL")  # REDIS_URL serves the queue too
    first.start()
    second.start()
    try:
        with urllib.request.urlopen(f"{first.url}/healthz", timeout=10) as response:  # noqa: S310
            health = response.read().decode()
        assert "queue: ok (redis" in health, health

        # A session opened on the first instance is good on the second (signed cookies).
        browser = Browser(first)
        browser.sign_in(world.admin.email)
        browser.server = second
        assert "logout" in browser.get("/").lower()

        # Ten failed sign-ins for one address, split over both instances and their four
        # processes: the eleventh is refused wherever it lands.
        attacker = Browser(first)
        for attempt in range(10):
            attacker.server = first if attempt % 2 else second
            assert _login_status(attacker, world.customer_user.email, "wrong password") == 200
        for server in (first, second):
            attacker.server = server
            assert _login_status(attacker, world.customer_user.email, "wrong password") == 429
        assert clean_redis.dbsize() > 0  # the counters are in Redis, not in a process
    finally:
        first.stop()
        second.stop()
