"""Secrets kept in the database (a platform's OAuth2 client secret, a webhook's signing key),
encrypted with a key that is not the session's ``SECRET_KEY``.

``ENCRYPTION_KEY``: one or more Fernet keys separated by commas; the first encrypts, every one
decrypts (to rotate: put the new key first, re-save, then drop the old one). In development a
key is made once and kept in ``instance/encryption_key``; in production it must be set, and
saving a secret without it is refused with a message (the app still starts).
"""

from __future__ import annotations

from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

from ecoprod.errors import ActionRefused
from ecoprod.i18n import lazy_gettext as _l


class SecretUnavailable(ActionRefused):
    """No key to encrypt with, or a secret that no configured key opens."""


def _keys() -> list[str]:
    configured = current_app.config.get("ENCRYPTION_KEY")
    if configured:
        return [k.strip() for k in str(configured).split(",") if k.strip()]
    if current_app.config["PRODUCTION"]:
        return []
    path = Path(current_app.instance_path) / "encryption_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Fernet.generate_key().decode())
        path.chmod(0o600)
    return [path.read_text().strip()]


def _box() -> MultiFernet:
    keys = _keys()
    if not keys:
        raise SecretUnavailable(
            [str(_l("The server has no encryption key (ENCRYPTION_KEY): ask its administrator to set one."))]
        )
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise SecretUnavailable(
            [str(_l("The server's encryption key (ENCRYPTION_KEY) is not valid."))]
        ) from exc


def seal(secret: str) -> str:
    """The secret encrypted (a URL-safe text that also carries its time of encryption)."""
    return _box().encrypt(secret.encode()).decode("ascii")


def open_sealed(sealed: str) -> str:
    try:
        return _box().decrypt(sealed.encode("ascii")).decode()
    except InvalidToken as exc:
        raise SecretUnavailable(
            [str(_l("A stored secret cannot be read with the server's encryption key: enter it again."))]
        ) from exc


def new_key() -> str:
    """A fresh key for ``ENCRYPTION_KEY`` (``flask secrets new-key``)."""
    return Fernet.generate_key().decode()
