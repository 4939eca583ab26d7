"""The school's connection to its plateforme agréée: saved (the secret sealed), tested, and
turned into a client for the jobs that talk to the platform."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app

from ecoprod import audit, secretbox
from ecoprod.database import utcnow
from ecoprod.einvoicing import contract
from ecoprod.einvoicing.client import Endpoints, PlatformClient, PlatformError
from ecoprod.einvoicing.models import PlatformConnection, Syntax
from ecoprod.errors import ActionRefused
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.schools.models import School


class EinvoicingError(ActionRefused):
    pass


@dataclass(frozen=True)
class ConnectionInput:
    flow_url: str
    directory_url: str
    token_url: str
    client_id: str
    client_secret: str | None  # None: keep the one saved
    syntax: Syntax
    platform_number: str | None = None


def connection_of(school_id: int) -> PlatformConnection | None:
    """The school's connection, if it has one."""
    return db.session.scalars(
        sa.select(PlatformConnection).where(PlatformConnection.school_id == school_id)
    ).one_or_none()


def check_address(url: str, field: str) -> str:
    """A platform's address: https (plain http only outside production, for a sandbox on
    this machine), a host, no user or password inside, no query."""
    parts = urlsplit(url.strip())
    allowed = ("https",) if current_app.config["PRODUCTION"] else ("https", "http")
    if parts.scheme not in allowed or not parts.hostname:
        raise EinvoicingError([str(_l("Enter an address starting with https://."))], field=field)
    if parts.username or parts.password or parts.query or parts.fragment:
        raise EinvoicingError(
            [str(_l("The address must not hold a user, a password, a query or a fragment."))], field=field
        )
    return url.strip().rstrip("/")


def save_connection(school: School, data: ConnectionInput) -> PlatformConnection:
    """Create or change the school's connection; the secret is sealed, never kept in clear.
    A change of address or credentials forgets the last test."""
    addresses = {
        name: check_address(getattr(data, name), name) for name in ("flow_url", "directory_url", "token_url")
    }
    connection = connection_of(school.id)
    if connection is None and not data.client_secret:
        raise EinvoicingError(
            [str(_l("Enter the client secret the platform gave you."))], field="client_secret"
        )
    sealed = secretbox.seal(data.client_secret) if data.client_secret else None
    if connection is None:
        connection = PlatformConnection(school_id=school.id, sealed_secret=sealed)
        db.session.add(connection)
    elif sealed:
        connection.sealed_secret = sealed
    changed = sealed is not None or any(
        getattr(connection, name) != value
        for name, value in [*addresses.items(), ("client_id", data.client_id)]
    )
    for name, value in addresses.items():
        setattr(connection, name, value)
    connection.client_id = data.client_id.strip()
    connection.syntax = data.syntax
    connection.platform_number = data.platform_number.strip().upper() if data.platform_number else None
    if changed:
        connection.checked_at = connection.check_ok = connection.check_message = None
    db.session.flush()
    audit.record("einvoicing.connection_saved", connection, reference=connection.flow_url)
    return connection


def endpoints_of(connection: PlatformConnection) -> Endpoints:
    return Endpoints(
        flow_url=connection.flow_url,
        directory_url=connection.directory_url,
        token_url=connection.token_url,
        client_id=connection.client_id,
        client_secret=secretbox.open_sealed(connection.sealed_secret),
    )


def client_for(connection: PlatformConnection) -> PlatformClient:
    """A client of the school's platform. With ``EINVOICING_CHECK_CONTRACT`` (the tests, the
    demo) every exchange is also validated against the published API documents."""
    hook = contract.check_sent if current_app.config.get("EINVOICING_CHECK_CONTRACT") else None
    timeout = float(current_app.config.get("EINVOICING_TIMEOUT", 20))
    return PlatformClient(endpoints_of(connection), timeout=timeout, exchange_hook=hook)


def test_connection(connection: PlatformConnection) -> bool:
    """Ask the platform for a token and both services' health; keep the outcome to show."""
    try:
        client_for(connection).health()
    except PlatformError as exc:
        connection.check_ok, connection.check_message = False, str(exc)[:300]
    else:
        connection.check_ok, connection.check_message = True, None
        if not connection.webhook_id:
            _subscribe(connection)
    connection.checked_at = utcnow()
    audit.record(
        "einvoicing.connection_tested", connection, reference="ok" if connection.check_ok else "failed"
    )
    return bool(connection.check_ok)


def _subscribe(connection: PlatformConnection) -> None:
    """Subscribe the school's webhook once the connection works; if the platform refuses,
    the statuses still come by polling (said beside the test's result)."""
    from ecoprod.einvoicing.services import statuses
    from ecoprod.notifications.outbox import external_url

    connection.webhook_token = connection.webhook_token or statuses.new_webhook_token()
    try:
        statuses.subscribe(connection, external_url("einvoicing.webhook", token=connection.webhook_token))
    except PlatformError as exc:
        connection.check_message = str(
            _l("Statuses will be read every ten minutes: %(error)s", error=str(exc))
        )[:300]
