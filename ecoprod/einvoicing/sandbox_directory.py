"""The sandbox platform's Directory Service (AFNOR XP Z12-013 annex B, 1.3.0): the directory
lines the reform's annuaire holds, searched and read as the published document says.

A directory line names where a company receives its invoices: at its SIREN, at one of its
facilities (SIREN + SIRET), at a routing code inside a facility (a public buyer's service),
or at a suffix. Its addressing identifier joins those parts with ``_``, the form the
annuaire gives (``702042755``, ``702042755_70204275500240``, …); it starts with the SIREN, as
rule BR-FR-21 asks of the invoice's BT-49.

``open``: the demo's directory, where any SIREN not entered has a line at its SIREN (every
French company must be able to receive since 1 September 2026). The tests enter the lines.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, jsonify, request

SIREN = re.compile(r"^[0-9]{9}$")


@dataclass
class Directory:
    open: bool = True
    lines: dict[str, dict[str, Any]] = field(default_factory=dict)  # addressing id → line
    closed_sirens: set[str] = field(default_factory=set)  # not in the open directory either
    lock: threading.Lock = field(default_factory=threading.Lock)

    def enter(
        self,
        siren: str,
        *,
        siret: str | None = None,
        routing: str | None = None,
        suffix: str | None = None,
        status: str = "Enabled",
    ) -> str:
        """A line of the annuaire (a test's buyer); returns its addressing identifier."""
        parts = [siren, siret or "", routing or ""] if not suffix else [siren, suffix]
        identifier = "_".join(p for p in parts if p)
        line: dict[str, Any] = {
            "addressingIdentifier": identifier,
            "platformType": "WK",
            "directoryLineStatus": status,
            "siren": siren,
        }
        line |= {"siret": siret} if siret else {}
        line |= {"routingIdentifier": routing} if routing else {}
        line |= {"addressingSuffix": suffix} if suffix else {}
        with self.lock:
            self.lines[identifier] = line
        return identifier

    def close(self, siren: str) -> None:
        """This SIREN has no line at all (a company no platform serves yet, or a wrong SIREN)."""
        with self.lock:
            self.closed_sirens.add(siren)
            self.lines = {k: v for k, v in self.lines.items() if v["siren"] != siren}

    def of_siren(self, siren: str) -> list[dict[str, Any]]:
        with self.lock:
            found = [dict(line) for line in self.lines.values() if line["siren"] == siren]
        if not found and self.open and siren not in self.closed_sirens and SIREN.match(siren):
            found = [
                {
                    "addressingIdentifier": siren,
                    "platformType": "WK",
                    "directoryLineStatus": "Enabled",
                    "siren": siren,
                }
            ]
        return found

    def search(self, filters: dict[str, Any]) -> list[dict[str, Any]]:
        """``searchDirectoryLine``'s filters; each holds an operator and a value."""
        wanted = {name: str(f.get("value", "")) for name, f in filters.items()}
        ops = {name: f.get("op", "strict") for name, f in filters.items()}
        if "siren" in wanted:
            candidates = self.of_siren(wanted["siren"])
        else:
            with self.lock:
                candidates = [dict(line) for line in self.lines.values()]
        return [
            line
            for line in candidates
            if all(_compare(ops[name], str(line.get(name, "")), value) for name, value in wanted.items())
        ]


def _compare(op: str, actual: str, value: str) -> bool:
    if op == "contains":
        return value in actual
    if op == "startWith":
        return actual.startswith(value)
    return actual == value


def add_directory_routes(app: Flask, directory: Directory, error: Any) -> None:
    """The two directory-line operations EcoProd uses (search, read one), on the sandbox."""

    @app.post("/directory-service/v1/directory-line/search")
    def search_directory_lines() -> Response:
        body = request.get_json() or {}
        found = directory.search(body.get("filters", {}))
        ignore, limit = int(body.get("ignore", 0)), int(body.get("limit", 50))
        return jsonify(
            {"search": body, "totalNumberOfResults": len(found), "results": found[ignore : ignore + limit]}
        )

    @app.get("/directory-service/v1/directory-line/code:<identifier>")
    def get_directory_line(identifier: str) -> Response:
        with directory.lock:
            line = directory.lines.get(identifier)
        if line is None:
            siren = identifier.split("_", 1)[0]
            line = next(
                (ln for ln in directory.of_siren(siren) if ln["addressingIdentifier"] == identifier), None
            )
        if line is None or line["directoryLineStatus"] == "Upcoming":
            return error(404, "MISSING_RESOURCE", "No such directory line")
        return jsonify(line)
