"""Configuration: defaults here, overridden by ``instance/config.py`` and the environment.

Nothing here has side effects at import time; ``load_config`` is called by the factory.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask


class ConfigError(RuntimeError):
    """The configuration cannot run safely (for instance no SECRET_KEY in production)."""


DEFAULTS: dict[str, Any] = {
    "ECOPROD_ENV": "production",
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 14,
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "BABEL_DEFAULT_LOCALE": "fr",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
    "LANGUAGES": ["fr", "en"],
    # Uploads: each drawing at most UPLOAD_MAX_BYTES; a whole request at most MAX_CONTENT_LENGTH.
    "UPLOAD_MAX_BYTES": 20 * 1024 * 1024,
    "UPLOAD_MAX_FILES": 10,
    "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
    "LOGO_MAX_BYTES": 1024 * 1024,
    # Sign-in throttling (Flask-Limiter). Redis in production: redis://127.0.0.1:6379
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": False,
    "LOGIN_FAILURE_LIMIT": "10 per 15 minutes",
    # Werkzeug's scrypt: slow on purpose. Tests may pick a cheaper KDF.
    "PASSWORD_HASH_METHOD": "scrypt",
    "INVITATION_TTL_HOURS": 24 * 7,
    # A sign-up not confirmed from its e-mail within this time expires and holds nothing.
    "SIGNUP_CONFIRMATION_TTL_HOURS": 48,
    "PASSWORD_RESET_TTL_HOURS": 2,
    # Mail: without MAIL_SERVER, messages are written to the log instead of being sent.
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_DEFAULT_SENDER": "EcoProd <no-reply@ecoprod.localhost>",
    "MAIL_TIMEOUT": 10,
    "OUTBOX_MAX_ATTEMPTS": 8,
    # The first retry of a failed e-mail waits this long, each next one twice as long (≤ 6 h).
    "OUTBOX_RETRY_SECONDS": 60,
    # The task queue (ecoprod/jobs.py): sqlite:///<file in instance/> by default, redis:// in
    # production, immediate:// to run each job where it is enqueued.
    "JOBS_URL": "sqlite:///jobs.sqlite3",
    # A job's claim on its row (an e-mail being sent, a PDF being rendered) holds this long;
    # after it a sweep takes the work over from a process that died. Longer than any render.
    "JOBS_LEASE_SECONDS": 600,
    # Previews of drawings and photos (ecoprod/previews/): the pages of a PDF shown, the
    # entities of a DXF drawn (those of blocks included), the seconds one file may take; each
    # file is rendered in a child process killed past its time.
    "PREVIEW_MAX_PAGES": 20,
    "PREVIEW_MAX_DXF_ENTITIES": 50_000,
    "PREVIEW_SECONDS": 60,
    "PREVIEW_IN_CHILD_PROCESS": True,
    # Used to build links in e-mails sent outside a request (CLI).
    "BASE_URL": "http://127.0.0.1:5000",
    "PAGE_SIZE": 25,
    # Behind a reverse proxy, how many proxies set X-Forwarded-For/-Proto (0: none).
    "PROXY_COUNT": 0,
    # /metrics (Prometheus) answers only with "Authorization: Bearer <METRICS_TOKEN>"; unset: off.
    "METRICS_TOKEN": None,
    # "json": one JSON object per log line (the default in production); "text" otherwise.
    "LOG_FORMAT": None,
    # Secrets kept in the database (a platform's client secret): Fernet key(s), comma-separated,
    # the first encrypting (ecoprod/secretbox.py). Development makes one in instance/.
    "ENCRYPTION_KEY": None,
    # The plateforme agréée: seconds to wait for an answer; validate every exchange against
    # the AFNOR API documents (the tests and the demo do).
    "EINVOICING_TIMEOUT": 20,
    "EINVOICING_CHECK_CONTRACT": False,
    # Days an answer of the annuaire about a buyer holds before an invoice asks it again.
    "DIRECTORY_MAX_AGE_DAYS": 7,
}

# Environment variables read directly (twelve-factor names), besides every ECOPROD_* one.
PLAIN_ENV = (
    "SECRET_KEY", "DATABASE_URL", "BASE_URL", "RATELIMIT_STORAGE_URI", "REDIS_URL", "JOBS_URL", "METRICS_TOKEN",
    "LOG_FORMAT", "ENCRYPTION_KEY",
)  # fmt: skip
MAIL_ENV = (
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_DEFAULT_SENDER",
)


def _coerce(value: str) -> Any:
    lowered = value.lower()
    if lowered in ("true", "yes", "on"):
        return True
    if lowered in ("false", "no", "off"):
        return False
    if value.isdigit():
        return int(value)
    return value


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill ``app.config`` and refuse configurations that are unsafe in production."""
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for name in PLAIN_ENV + MAIL_ENV:
            if name in os.environ:
                app.config[name] = _coerce(os.environ[name])
        app.config.from_prefixed_env("ECOPROD")
        if "ECOPROD_ENV" in os.environ:
            app.config["ECOPROD_ENV"] = os.environ["ECOPROD_ENV"]
    else:
        app.config.from_mapping(test_config)

    redis_url = app.config.get("REDIS_URL")
    if redis_url:  # one Redis for everything shared between processes, unless told otherwise
        if app.config["RATELIMIT_STORAGE_URI"] == DEFAULTS["RATELIMIT_STORAGE_URI"]:
            app.config["RATELIMIT_STORAGE_URI"] = redis_url
        if app.config["JOBS_URL"] == DEFAULTS["JOBS_URL"]:
            app.config["JOBS_URL"] = redis_url

    instance = Path(app.instance_path)
    app.config.setdefault("UPLOAD_FOLDER", str(instance / "uploads"))
    database_url = app.config.get("SQLALCHEMY_DATABASE_URI") or app.config.get("DATABASE_URL")
    if not database_url:
        database_url = f"sqlite:///{instance / 'ecoprod.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(database_url)

    production = app.config["ECOPROD_ENV"] == "production"
    app.config["PRODUCTION"] = production
    app.config["LOG_FORMAT"] = app.config["LOG_FORMAT"] or ("json" if production else "text")
    if production:
        if not app.config.get("SECRET_KEY"):
            raise ConfigError(
                "SECRET_KEY is required in production: set the SECRET_KEY environment variable."
            )
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    elif not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _development_secret(instance)


def normalise_database_url(url: str) -> str:
    """Accept the usual ``postgres://`` / ``postgresql://`` forms and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _development_secret(instance: Path) -> str:
    """A random key kept in instance/ so development sessions survive a restart."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
