"""The life cycle of the documents sent: statuses read from the platform's CDAR flows, by
polling (``poll``, a periodic job, with the search's cursor) and by the platform's calls to
the school's webhook (``subscribe``, ``verify``). Either way a status is kept once, and only
for an invoice of the school whose connection read it, issued under the school's SIREN."""

from __future__ import annotations

import base64
import hmac
import secrets
import time
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from ecoprod import audit, secretbox
from ecoprod.database import utcnow
from ecoprod.einvoicing import cdar
from ecoprod.einvoicing.client import PlatformClient, webhook_signature
from ecoprod.einvoicing.models import LifecycleStatus, PlatformConnection, Transmission, TransmissionState
from ecoprod.einvoicing.services.connection import client_for
from ecoprod.einvoicing.services.sending import transmission_of
from ecoprod.extensions import db
from ecoprod.invoicing.models import Invoice
from ecoprod.schools.models import School

LIFE_CYCLE = {"flowDirection": ["In"], "flowType": ["CustomerInvoiceLC"]}
SIGNATURE_MAX_AGE = 300  # seconds between the platform's signing and our check


def timeline(invoice: Invoice) -> list[LifecycleStatus]:
    return list(
        db.session.scalars(
            sa.select(LifecycleStatus)
            .where(LifecycleStatus.invoice_id == invoice.id)
            .order_by(LifecycleStatus.at, LifecycleStatus.id)
        )
    )


def receive(connection: PlatformConnection, flow: dict[str, Any], source: str, client: PlatformClient) -> int:
    """A flow the platform lists or announces: if it is a life-cycle message, read its
    statuses from the file the platform serves and keep this school's; how many were new."""
    if flow.get("flowSyntax") != "CDAR" or flow.get("flowDirection") != "In":
        return 0
    flow_id = str(flow["flowId"])
    try:
        reports = cdar.parse(client.download_flow(flow_id))
    except cdar.CdarError:
        return 0
    school = db.session.get(School, connection.school_id)
    kept = 0
    for report in reports:
        if report.seller_siren and report.seller_siren != school.siren:
            continue  # about another seller's invoice: never ours to record
        invoice = db.session.scalars(
            sa.select(Invoice)
            .where(Invoice.school_id == school.id, Invoice.number == report.invoice_number)
            .execution_options(all_schools=True)
        ).one_or_none()
        if invoice is None or (report.invoice_date and invoice.issue_date != report.invoice_date):
            continue
        kept += keep(invoice, report, flow_id, source)
    return kept


def keep(invoice: Invoice, report: cdar.StatusReport, flow_id: str, source: str) -> int:
    """Record one status once; a rejection marks the transmission; an alert tells the admins."""
    known = db.session.scalar(
        sa.select(LifecycleStatus.id)
        .where(
            LifecycleStatus.invoice_id == invoice.id,
            LifecycleStatus.flow_id == flow_id,
            LifecycleStatus.code == report.code,
        )
        .execution_options(all_schools=True)
    )
    if known is not None:
        return 0
    status = LifecycleStatus(
        school_id=invoice.school_id,
        invoice_id=invoice.id,
        code=report.code,
        at=report.at or utcnow(),
        reason_code=report.reason_code,
        reason=report.reason,
        requested_action=(report.requested_action or "")[:300] or None,
        flow_id=flow_id,
        source=source,
        received_at=utcnow(),
    )
    db.session.add(status)
    db.session.flush()
    _advance(invoice.id, status.code, status.at)
    audit.record(
        "einvoicing.status", invoice, reference=f"{invoice.number} {report.code}", school_id=invoice.school_id
    )
    if report.code == 213:
        transmission = transmission_of(invoice.id)
        if transmission is not None:
            transmission.state = TransmissionState.REJECTED
            transmission.reason_code, transmission.reason = report.reason_code, report.reason
    if report.code in cdar.ALERTS:
        from ecoprod.einvoicing.notices import notify_status

        notify_status(invoice, status)
    return 1


def _advance(invoice_id: int, code: int, at: datetime) -> None:
    """The document's current status becomes this one unless a later one is known (statuses
    arrive out of order: polling and webhook, several flows)."""
    transmission = transmission_of(invoice_id)
    if transmission is None:
        return
    if transmission.current_status_at is None or at >= transmission.current_status_at:
        transmission.current_status, transmission.current_status_at = code, at


def poll(connection: PlatformConnection) -> int:
    """Read the life-cycle flows updated since the last poll, page by page (the search's
    cursor); the mark moves to the newest one read. A second before it is read again: a
    flow updated in the same second is not missed, and kept statuses are not kept twice."""
    client = client_for(connection)
    where = dict(LIFE_CYCLE)
    if connection.statuses_read_until:
        where["updatedAfter"] = _iso(connection.statuses_read_until - timedelta(seconds=1))
    newest, kept, cursor = connection.statuses_read_until, 0, None
    while True:
        page = client.search_flows(where, cursor=cursor)
        for flow in page.get("results", []):
            kept += receive(connection, flow, "poll", client)
            updated = datetime.fromisoformat(flow["updatedAt"])
            newest = max(newest, updated) if newest else updated
        cursor = page.get("nextCursor")
        if not cursor:
            break
    connection.statuses_read_until = newest
    return kept


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


# --- The webhook -------------------------------------------------------------------------------


def subscribe(connection: PlatformConnection, callback_url: str) -> None:
    """Ask the platform to call the school's address at each life-cycle flow; keep the
    subscription's id and its signing key (sealed). A previous subscription is removed."""
    client = client_for(connection)
    if connection.webhook_id:
        from contextlib import suppress

        from ecoprod.einvoicing.client import PlatformError

        with suppress(PlatformError):
            client.delete_webhook(connection.webhook_id)
    answer = client.create_webhook(callback_url, flow_types=LIFE_CYCLE["flowType"])
    connection.webhook_id = str(answer["webhookId"])
    connection.sealed_webhook_key = secretbox.seal(str(answer["signingKey"]))


def new_webhook_token() -> str:
    return secrets.token_urlsafe(32)


def connection_for_token(token: str) -> PlatformConnection | None:
    return db.session.scalars(
        sa.select(PlatformConnection)
        .where(PlatformConnection.webhook_token == token)
        .execution_options(all_schools=True)
    ).one_or_none()


def verify(
    connection: PlatformConnection, payload: bytes, signature: str | None, timestamp: str | None
) -> bool:
    """The call is signed with this school's key (Afnor-Signature) and recent."""
    if not connection.sealed_webhook_key or not signature or not timestamp or not timestamp.isdigit():
        return False
    if abs(time.time() - int(timestamp)) > SIGNATURE_MAX_AGE:
        return False
    key = base64.b64decode(secretbox.open_sealed(connection.sealed_webhook_key))
    return hmac.compare_digest(webhook_signature(key, payload, int(timestamp)), signature)


def keep_sent(transmission: Transmission, flow_id: str) -> None:
    """A status the school sent (212), in the invoice's timeline like those it receives."""
    now = utcnow()
    db.session.add(
        LifecycleStatus(
            school_id=transmission.school_id,
            invoice_id=transmission.invoice_id,
            code=transmission.status_code,
            at=now,
            flow_id=flow_id,
            source="sent",
            received_at=now,
        )
    )
    _advance(transmission.invoice_id, int(transmission.status_code or 0), now)


# --- The list's filter and the dashboard's counts --------------------------------------------

TO_HANDLE = frozenset({*cdar.ALERTS, 208})  # disputed, suspended, refused, rejected
PROBLEMS = (TransmissionState.REJECTED, TransmissionState.FAILED)


def to_handle() -> sa.Select[tuple[int]]:
    """Documents the administrators must look at: refused by the platform or not sent, a
    status that asks for action, or a 212 the platform refused."""
    return (
        sa.select(Transmission.invoice_id)
        .join(Invoice, Invoice.id == Transmission.invoice_id)
        .where(
            sa.or_(
                Transmission.state.in_(PROBLEMS),
                sa.and_(Transmission.status_code.is_(None), Transmission.current_status.in_(TO_HANDLE)),
            ),
            Invoice.cancelled_by_id.is_(None),  # cancelled and replaced: handled
        )
    )


def waiting() -> sa.Select[tuple[int]]:
    """Documents not yet accepted by the platform (queued, or sent and being checked)."""
    return sa.select(Transmission.invoice_id).where(
        Transmission.status_code.is_(None),
        Transmission.state.in_([TransmissionState.QUEUED, TransmissionState.SENT]),
    )


def at_status(code: int) -> sa.Select[tuple[int]]:
    return sa.select(Transmission.invoice_id).where(
        Transmission.status_code.is_(None), Transmission.current_status == code
    )


def counts() -> dict[str, int]:
    """The school's documents per current status (``"205"``…), and ``to_handle``, ``waiting``:
    three aggregate statements."""
    per_status = db.session.execute(
        sa.select(Transmission.current_status, sa.func.count())
        .where(Transmission.status_code.is_(None), Transmission.current_status.is_not(None))
        .group_by(Transmission.current_status)
    ).all()
    found = {str(code): int(n) for code, n in per_status}
    for name, ids in (("to_handle", to_handle()), ("waiting", waiting())):
        found[name] = int(
            db.session.scalar(sa.select(sa.func.count(sa.distinct(ids.subquery().c.invoice_id)))) or 0
        )
    return found
