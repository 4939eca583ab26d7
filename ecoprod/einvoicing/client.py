"""A client of the APIs every plateforme agréée exposes (AFNOR XP Z12-013): the Flow
Service and the Directory Service 1.3.0, authenticated by OAuth2 client credentials.

One ``PlatformClient`` per school's connection and per piece of work; it keeps its token for
its own life only (a job or a request), nothing in the process. ``exchange_hook`` sees every
exchange: the tests validate each one against the published documents (``contract.py``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from ecoprod.einvoicing import contract


@dataclass(frozen=True)
class Endpoints:
    flow_url: str  # e.g. https://api.flow.pa.example/flow-service
    directory_url: str  # e.g. https://api.directory.pa.example/directory-service
    token_url: str
    client_id: str
    client_secret: str


class PlatformError(Exception):
    """The platform could not be reached or refused the call. ``transient``: worth retrying."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code

    @property
    def transient(self) -> bool:
        return self.status is None or self.status in (408, 429) or self.status >= 500


ExchangeHook = Callable[[contract.Service, str, requests.Response], None]


class PlatformClient:
    def __init__(
        self,
        endpoints: Endpoints,
        *,
        timeout: float = 20,
        exchange_hook: ExchangeHook | None = None,
    ) -> None:
        self.endpoints = endpoints
        self.timeout = timeout
        self.exchange_hook = exchange_hook or _default_hook
        self.session = requests.Session()
        self._token: str | None = None

    # --- OAuth2 client credentials (RFC 6749 §4.4) -------------------------------------------

    def _access_token(self, renew: bool = False) -> str:
        if self._token and not renew:
            return self._token
        try:
            response = self.session.post(
                self.endpoints.token_url,
                data={"grant_type": "client_credentials"},
                auth=(self.endpoints.client_id, self.endpoints.client_secret),
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise PlatformError(f"token endpoint unreachable: {exc.__class__.__name__}") from exc
        if response.status_code != 200:
            raise PlatformError(_oauth_message(response), response.status_code, "token")
        try:
            self._token = str(response.json()["access_token"])
        except (ValueError, KeyError) as exc:
            raise PlatformError("the token endpoint's answer has no access_token", 502, "token") from exc
        return self._token

    # --- One call --------------------------------------------------------------------------

    def _call(
        self,
        service: contract.Service,
        method: str,
        path: str,
        **kwargs: Any,
    ) -> requests.Response:
        base = self.endpoints.flow_url if service == "flow" else self.endpoints.directory_url
        base = base.rstrip("/")
        for attempt in (1, 2):
            headers = {
                "Request-Id": str(uuid.uuid4()),
                "Authorization": f"Bearer {self._access_token(renew=attempt == 2)}",
            }
            try:
                response = self.session.request(
                    method, base + path, headers=headers, timeout=self.timeout, **kwargs
                )
            except requests.RequestException as exc:
                raise PlatformError(f"{base} unreachable: {exc.__class__.__name__}") from exc
            self.exchange_hook(service, base, response)
            if response.status_code == 401 and attempt == 1:
                continue  # the token expired: one more try with a new one
            break
        if response.status_code >= 400:
            raise PlatformError(_error_message(response), response.status_code, _error_code(response))
        return response

    # --- Flow Service ----------------------------------------------------------------------

    def health(self) -> None:
        """The credentials get a token, and both services answer their health check."""
        self._call("flow", "GET", "/v1/healthcheck")
        self._call("directory", "GET", "/v1/healthcheck")

    def send_flow(
        self,
        *,
        name: str,
        content: bytes,
        content_type: str,
        syntax: str,
        tracking_id: str,
        processing_rule: str | None = None,
        profile: str | None = None,
    ) -> dict[str, Any]:
        """Upload one file (``createFlow``); the answer's ``flowId`` names it from then on."""
        info: dict[str, Any] = {
            "trackingId": tracking_id,
            "name": name,
            "flowSyntax": syntax,
            "sha256": hashlib.sha256(content).hexdigest(),
        }
        if processing_rule:
            info["processingRule"] = processing_rule
        if profile:
            info["flowProfile"] = profile
        files = {
            "flowInfo": (None, json.dumps(info), "application/json"),
            "file": (name, content, content_type),
        }
        return self._call("flow", "POST", "/v1/flows", files=files).json()

    def get_flow(self, flow_id: str) -> dict[str, Any]:
        return self._call("flow", "GET", f"/v1/flows/{flow_id}").json()

    def download_flow(self, flow_id: str, doc_type: str = "Original") -> bytes:
        return self._call("flow", "GET", f"/v1/flows/{flow_id}", params={"docType": doc_type}).content

    def search_flows(
        self, where: dict[str, Any], cursor: str | None = None, limit: int = 100
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"where": where, "limit": limit}
        if cursor:
            body["cursor"] = cursor
        return self._call("flow", "POST", "/v1/flows/search", json=body).json()

    def create_webhook(self, callback_url: str, flow_types: list[str] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"callbackUrl": callback_url}
        if flow_types:
            body["flowTypes"] = flow_types
        return self._call("flow", "POST", "/v1/webhooks", json=body).json()

    def delete_webhook(self, webhook_id: str) -> None:
        self._call("flow", "DELETE", f"/v1/webhooks/{webhook_id}")

    # --- Directory Service -----------------------------------------------------------------

    def directory_lines(self, siren: str, limit: int = 100) -> list[dict[str, Any]]:
        """Every line of the annuaire under a SIREN (``searchDirectoryLine``): the company's
        own, its facilities', its services' (routing codes) and its suffixes'."""
        body = {"filters": {"siren": {"op": "strict", "value": siren}}, "limit": limit, "ignore": 0}
        answer = self._call("directory", "POST", "/v1/directory-line/search", json=body).json()
        return list(answer.get("results") or [])


def _default_hook(service: contract.Service, base: str, response: requests.Response) -> None:
    return None


def _oauth_message(response: requests.Response) -> str:
    try:
        code = response.json().get("error", "")
    except ValueError:
        code = ""
    if code == "invalid_client" or response.status_code == 401:
        return "the platform refused the client id or secret"
    return f"the token endpoint answered {response.status_code} {code}".strip()


def _error_code(response: requests.Response) -> str | None:
    try:
        return str(response.json().get("errorCode") or "") or None
    except (ValueError, AttributeError):
        return None


def _error_message(response: requests.Response) -> str:
    try:
        body = response.json()
        detail = body.get("errorMessage") or body.get("errorCode") or ""
    except (ValueError, AttributeError):
        detail = ""
    return f"{response.status_code} {response.reason or ''} {detail}".strip()


def webhook_signature(key: bytes, payload: bytes, timestamp: int) -> str:
    """The ``Afnor-Signature`` of a webhook call (Flow Service 1.3.0, createWebhook): HMAC
    SHA-256 with the signing key over the SHA-256 fingerprint (hexadecimal) of
    ``payload@timestamp``, in base64. The document leaves the fingerprint's encoding open:
    EcoProd's check (``statuses.verify``) and the sandbox share this function."""
    fingerprint = hashlib.sha256(payload + b"@" + str(timestamp).encode()).hexdigest().encode()
    return base64.b64encode(hmac.new(key, fingerprint, hashlib.sha256).digest()).decode()
