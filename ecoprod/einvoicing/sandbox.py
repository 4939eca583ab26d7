"""A sandbox plateforme agréée: the AFNOR Flow Service and Directory Service 1.3.0 served
from memory, for the tests and for ``make run``'s demo (``flask einvoicing sandbox``).

It is a double of the published standard, not of EcoProd: every request it receives and every
answer it gives are validated against the official OpenAPI documents (``contract.py``), a
request the documents refuse gets a 400 and is kept in ``Platform.refused`` for the tests to
fail on, and an answer of its own that the documents refuse is a bug that raises. It checks
OAuth2 client credentials (RFC 6749 §4.4, client authentication by HTTP Basic or in the
form), the SHA-256 of each uploaded file, and each invoice with ``check_invoice`` (the
tests pass the France_RFE schematrons). A test moves flows through their statuses.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, jsonify, request
from lxml import etree

from ecoprod.einvoicing import contract
from ecoprod.einvoicing.client import webhook_signature as signature
from ecoprod.einvoicing.sandbox_directory import Directory, add_directory_routes
from ecoprod.einvoicing.sandbox_messages import invoice_facts, status_message

InvoiceCheck = Callable[[bytes, str], list[str]]  # (file, syntax) -> errors


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Flow:
    """A flow as the platform keeps it: its metadata (the API's ``Flow``) and its file."""

    info: dict[str, Any]
    content: bytes
    content_type: str
    owner: str  # the client id that sent it

    @property
    def id(self) -> str:
        return str(self.info["flowId"])


@dataclass
class Platform:
    """The sandbox's state. ``clients``: client id → secret."""

    clients: dict[str, str]
    check_invoice: InvoiceCheck | None = None
    down: bool = False  # every service answers 503
    flows: dict[str, Flow] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # token → client id
    refused: list[str] = field(default_factory=list)  # requests the documents refused
    not_found: list[str] = field(default_factory=list)  # flows asked for by a client not theirs
    webhooks: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → Webhook (+ owner)
    # How a webhook call goes out: by default an HTTP POST; a test may hand it to its client.
    deliver: Callable[[str, bytes, dict[str, str]], int] | None = None
    # The demo's platform moves each accepted invoice on by itself: 200 Déposée, then 205
    # Approuvée, ``auto_delay`` seconds apart (the tests move flows on their command).
    auto_delay: float | None = None
    directory: Directory = field(default_factory=Directory)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def post_status(
        self,
        flow_id: str,
        code: int,
        *,
        reason_code: str | None = None,
        reason: str | None = None,
        notify: bool = True,
        at: datetime | None = None,
    ) -> Flow:
        """A status of an invoice's life cycle (as the buyer or a platform posts it) becomes
        a life-cycle flow for the invoice's sender, and its webhooks are called."""
        invoice = self.flows[flow_id]
        facts = invoice_facts(invoice.content, invoice.info["flowSyntax"])
        xml = status_message(facts, code, reason_code, reason, at)
        now = _now()
        flow = Flow(
            info={
                "flowId": str(uuid.uuid4()),
                "name": f"{facts['number']}_{code}.xml",
                "flowSyntax": "CDAR",
                "flowProfile": "CIUS",
                "processingRule": invoice.info["processingRule"],
                "processingRuleSource": "Computed",
                "flowType": "CustomerInvoiceLC",
                "flowDirection": "In",
                "sha256": hashlib.sha256(xml).hexdigest(),
                "submittedAt": now,
                "updatedAt": now,
                "acknowledgement": {"status": "Ok"},
            },
            content=xml,
            content_type="application/xml",
            owner=invoice.owner,
        )
        with self.lock:
            self.flows[flow.id] = flow
        if notify:
            self.call_webhooks(flow)
        return flow

    def call_webhooks(self, flow: Flow) -> list[int]:
        """Each of the owner's webhooks, signed as the Flow Service document says."""
        payload = json.dumps(flow.info).encode()
        answers = []
        for hook in list(self.webhooks.values()):
            if hook["owner"] != flow.owner:
                continue
            timestamp = int(datetime.now(UTC).timestamp())
            headers = {
                "Content-Type": "application/json",
                "Afnor-Signature": signature(hook["key"], payload, timestamp),
                "Afnor-Signature-Timestamp": str(timestamp),
            }
            deliver = self.deliver or _post
            answers.append(deliver(hook["callbackUrl"], payload, headers))
        return answers

    def sent(self, tracking_id: str) -> list[Flow]:
        """The flows received with this tracking id (a retry must never make two)."""
        with self.lock:
            return [f for f in self.flows.values() if f.info.get("trackingId") == tracking_id]


SERVICES: dict[str, contract.Service] = {"flow-service": "flow", "directory-service": "directory"}


def create_sandbox(platform: Platform) -> Flask:
    app = Flask(__name__)
    app.config["SANDBOX"] = platform

    def service_of(path: str) -> tuple[contract.Service, str] | None:
        first = path.strip("/").split("/", 1)[0]
        service = SERVICES.get(first)
        return (service, f"{request.host_url.rstrip('/')}/{first}") if service else None

    def error(status: int, code: str, message: str) -> Response:
        response = jsonify({"errorCode": code, "errorMessage": message})
        response.status_code = status
        return response

    @app.before_request
    def check_request() -> Response | None:
        found = service_of(request.path)
        g.service = found
        if found is None:
            return None
        if platform.down:
            return error(503, "RESOURCE_ERROR", "The platform is down for maintenance")
        service, base = found
        try:
            contract.check_received(service, base, request)
        except contract.ContractBroken as exc:
            platform.refused.append(str(exc))
            return error(400, "INVALID_REQUEST", str(exc)[:500])
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        client = platform.tokens.get(token)
        if client is None:
            return error(401, "INVALID_TOKEN", "Missing or unknown bearer token")
        g.client = client
        return None

    @app.after_request
    def check_answer(response: Response) -> Response:
        found = getattr(g, "service", None)
        # Its refusals of bad requests (400) and missing tokens (401: the documents do not list
        # it on every operation that needs one, the health checks' for one) are not checked.
        if found is not None and response.status_code not in (400, 401):
            contract.check_answer(found[0], found[1], request, response)  # raises: a sandbox bug
        return response

    @app.post("/token")
    def token() -> Response:
        client_id, secret = request.form.get("client_id", ""), request.form.get("client_secret", "")
        if request.authorization and request.authorization.type == "basic":
            client_id, secret = request.authorization.username or "", request.authorization.password or ""
        if request.form.get("grant_type") != "client_credentials":
            return _oauth_error("unsupported_grant_type", 400)
        expected = platform.clients.get(client_id)
        if expected is None or not secrets.compare_digest(expected, secret):
            return _oauth_error("invalid_client", 401)
        issued = secrets.token_urlsafe(24)
        platform.tokens[issued] = client_id
        return jsonify({"access_token": issued, "token_type": "Bearer", "expires_in": 3600})

    for prefix in SERVICES:

        @app.get(f"/{prefix}/v1/healthcheck", endpoint=f"{prefix}-health")
        def health() -> tuple[str, int]:
            return "", 200

    @app.post("/flow-service/v1/flows")
    def create_flow() -> Response:
        info = json.loads(request.form["flowInfo"])
        upload = request.files["file"]
        content = upload.read()
        digest = hashlib.sha256(content).hexdigest()
        if info.get("sha256") and info["sha256"] != digest:
            return error(422, "INTEGRITY_ERROR", "The file's SHA-256 is not the one announced")
        details = []
        if platform.check_invoice is not None:
            details = [
                {
                    "level": "Error",
                    "item": info["name"],
                    "reasonCode": "InvalidSchema",
                    "reasonMessage": m[:500],
                }
                for m in platform.check_invoice(content, info["flowSyntax"])
            ]
        now = _now()
        flow = Flow(
            info={
                **info,
                "sha256": digest,
                "flowId": str(uuid.uuid4()),
                "submittedAt": now,
                "updatedAt": now,
                "flowProfile": info.get(
                    "flowProfile", "Undefined" if info["flowSyntax"] == "FRR" else "CIUS"
                ),
                "processingRule": info.get("processingRule", "B2B"),
                "processingRuleSource": "Input" if "processingRule" in info else "Computed",
                "flowType": _flow_type(info["flowSyntax"], content),
                "flowDirection": "Out",
                "acknowledgement": {"status": "Error", "details": details} if details else {"status": "Ok"},
            },
            content=content,
            content_type=upload.mimetype or "application/octet-stream",
            owner=g.client,
        )
        with platform.lock:
            platform.flows[flow.id] = flow
        if platform.auto_delay and not details and info["flowSyntax"] not in ("CDAR", "FRR"):
            _advance(platform, flow.id, [200, 205])
        answer = {k: flow.info[k] for k in ("flowId", "submittedAt", "trackingId", "name", "flowSyntax")}
        answer |= {k: flow.info[k] for k in ("processingRule", "flowProfile", "sha256")}
        response = jsonify(answer)
        response.status_code = 202
        return response

    @app.post("/flow-service/v1/flows/search")
    def search_flows() -> Response:
        body = request.get_json()
        where, limit = body["where"], int(body.get("limit", 25))
        offset = int(base64.urlsafe_b64decode(body["cursor"]).decode()) if body.get("cursor") else 0
        with platform.lock:
            mine = [f.info for f in platform.flows.values() if f.owner == g.client]
        found = [
            info
            # By update time; flows of the same millisecond in the order they came (a stable
            # sort of the insertion order), not by their random ids.
            for info in sorted(mine, key=lambda i: i["updatedAt"])
            if _matches(info, where)
        ]
        page = found[offset : offset + limit]
        answer: dict[str, Any] = {"limit": limit, "filters": where, "results": page}
        if offset + limit < len(found):
            answer["nextCursor"] = base64.urlsafe_b64encode(str(offset + limit).encode()).decode()
        return jsonify(answer)

    @app.post("/flow-service/v1/webhooks")
    def create_webhook() -> Response:
        body = request.get_json()
        key = secrets.token_bytes(32)
        hook = {
            "webhookId": str(uuid.uuid4()),
            "signingKey": base64.b64encode(key).decode(),
            "createdAt": _now(),
            **body,
        }
        with platform.lock:
            platform.webhooks[hook["webhookId"]] = {**hook, "key": key, "owner": g.client}
        response = jsonify({k: hook[k] for k in ("webhookId", "signingKey", "createdAt")})
        response.status_code = 201
        return response

    @app.get("/flow-service/v1/webhooks")
    def list_webhooks() -> Response:
        mine = [
            {k: v for k, v in hook.items() if k not in ("key", "owner")}
            for hook in platform.webhooks.values()
            if hook["owner"] == g.client
        ]
        return jsonify({"count": len(mine), "webhooks": mine})

    @app.delete("/flow-service/v1/webhooks/<webhook_id>")
    def delete_webhook(webhook_id: str) -> Response | tuple[str, int]:
        hook = platform.webhooks.get(webhook_id)
        if hook is None or hook["owner"] != g.client:
            return error(404, "MISSING_RESOURCE", "No such webhook")
        with platform.lock:
            del platform.webhooks[webhook_id]
        return "", 204

    @app.get("/flow-service/v1/flows/<flow_id>")
    def get_flow(flow_id: str) -> Response:
        flow = platform.flows.get(flow_id)
        if flow is None or flow.owner != g.client:
            platform.not_found.append(request.path)
            return error(404, "MISSING_RESOURCE", "No such flow")
        if request.args.get("docType", "Metadata") == "Metadata":
            return jsonify(flow.info)
        response = Response(flow.content, content_type="application/octet-stream")
        response.headers["Content-Disposition"] = f"attachment;filename={flow.info['name']}"
        return response

    add_directory_routes(app, platform.directory, error)
    return app


def _advance(platform: Platform, flow_id: str, codes: list[int]) -> None:
    """Post the next status after the delay, then the ones after it (the demo's buyer)."""
    if not codes:
        return

    def post() -> None:
        try:
            platform.post_status(flow_id, codes[0])
        finally:
            _advance(platform, flow_id, codes[1:])

    timer = threading.Timer(platform.auto_delay or 0, post)
    timer.daemon = True
    timer.start()


def _flow_type(syntax: str, content: bytes) -> str:
    """The Flow Service's ``flowType`` of an outgoing flow; an e-reporting file's by what it
    holds (10.1 to 10.4, or several)."""
    if syntax == "CDAR":
        return "CustomerInvoiceLC"
    if syntax != "FRR":
        return "CustomerInvoice"
    try:
        root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return "Undefined"
    kinds = {
        name
        for path, name in (
            ("TransactionsReport/Invoice", "UnitaryCustomerTransactionReport"),
            ("TransactionsReport/Transactions", "AggregatedCustomerTransactionReport"),
            ("PaymentsReport/Invoice", "UnitaryCustomerPaymentReport"),
            ("PaymentsReport/Transactions", "AggregatedCustomerPaymentReport"),
        )
        if root.find(path) is not None
    }
    if len(kinds) > 1:
        return "MultiFlowReport"
    return kinds.pop() if kinds else "Undefined"


def _post(url: str, payload: bytes, headers: dict[str, str]) -> int:
    import requests

    try:
        return requests.post(url, data=payload, headers=headers, timeout=10).status_code
    except requests.RequestException:
        return 0  # EcoProd not listening: it reads the statuses by polling


def _matches(info: dict[str, Any], where: dict[str, Any]) -> bool:
    """The Flow Service's search filters (``SearchFlowFilters``)."""
    if "trackingId" in where and info.get("trackingId") != where["trackingId"]:
        return False
    updated = datetime.fromisoformat(info["updatedAt"])
    if "updatedAfter" in where and not updated > datetime.fromisoformat(where["updatedAfter"]):
        return False
    if "updatedBefore" in where and not updated < datetime.fromisoformat(where["updatedBefore"]):
        return False
    if "ackStatus" in where and info["acknowledgement"]["status"] != where["ackStatus"]:
        return False
    for name in ("processingRule", "flowType", "flowDirection"):
        if name in where and info.get(name) not in where[name]:
            return False
    return True


def _oauth_error(code: str, status: int) -> Response:
    response = jsonify({"error": code})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="sandbox"'
    return response
