"""The AFNOR Flow Service and Directory Service 1.3.0 (XP Z12-013 annexes A and B) as
openapi-core validators: every request EcoProd sends and every answer the sandbox platform
gives are checked against the published documents (``specs/``), the same way both ways."""

from __future__ import annotations

import copy
import json
import warnings
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, Literal

import requests
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.wrappers import Request, Response

Service = Literal["flow", "directory"]
SPECS = Path(__file__).parent / "specs"
FILES: dict[Service, str] = {
    "flow": "flow-service-1.3.0.json",
    "directory": "directory-service-1.3.0.json",
}


class ContractBroken(AssertionError):
    """A request or an answer that the published API refuses."""


@cache
def document(service: Service) -> dict[str, Any]:
    return json.loads((SPECS / FILES[service]).read_text(encoding="utf-8"))


@cache
def _openapi(service: Service, base_url: str) -> OpenAPI:
    """The published document, its ``servers`` replaced by the address actually called, and
    one defect mended (see ``specs/README.md``)."""
    spec = copy.deepcopy(document(service))
    spec["servers"] = [{"url": base_url.rstrip("/")}]
    reason = spec.get("components", {}).get("schemas", {}).get("ReasonCode")
    if reason and "oneOf" in reason:
        # ``oneOf: [ReasonCodeEnum, string]``: every listed code matches both, so none would
        # ever be valid; the evident intent (a listed code or another text) is ``anyOf``.
        reason["anyOf"] = reason.pop("oneOf")
    return OpenAPI.from_dict(spec)


def _quietly(check: Callable[[], Any]) -> None:
    """openapi-core warns that it cannot check an OAuth2 scheme: the server checks tokens."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Unsupported scheme type", UserWarning)
        check()


def _raise(what: str, errors: Exception) -> None:
    cause = errors.__cause__ or errors
    details = getattr(cause, "schema_errors", None) or []
    detail = "; ".join(str(e.message) for e in details) or str(cause)
    raise ContractBroken(f"{what}: {errors} ({detail})") from errors


def check_sent(service: Service, base_url: str, response: requests.Response) -> None:
    """A client's exchange (the request it prepared and the answer it got) against the API."""
    openapi = _openapi(service, base_url)
    request = RequestsOpenAPIRequest(response.request)
    try:
        _quietly(lambda: openapi.validate_request(request))
    except Exception as exc:  # openapi-core's validation errors have no common public base
        _raise(f"request {response.request.method} {response.request.url}", exc)
    try:
        _quietly(lambda: openapi.validate_response(request, RequestsOpenAPIResponse(response)))
    except Exception as exc:
        _raise(f"answer {response.status_code} to {response.request.method} {response.request.url}", exc)


def check_received(service: Service, base_url: str, request: Request) -> None:
    """A request a server received, before it acts on it."""
    try:
        _quietly(lambda: _openapi(service, base_url).validate_request(WerkzeugOpenAPIRequest(request)))
    except Exception as exc:
        _raise(f"request {request.method} {request.url}", exc)


def check_answer(service: Service, base_url: str, request: Request, response: Response) -> None:
    """The answer a server is about to give to ``request``."""
    try:
        _quietly(
            lambda: _openapi(service, base_url).validate_response(
                WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(response)
            )
        )
    except Exception as exc:
        _raise(f"answer {response.status_code} to {request.method} {request.url}", exc)
