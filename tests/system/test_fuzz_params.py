"""No query parameter nor posted field makes a 5xx (review finding 8, as a class).

Every GET route of the access matrix is requested by each kind of visitor with every query
parameter the code reads set to hostile values (dates out of any calendar, huge and
negative numbers, NaN, NUL, markup, very long text); every POST route, with its fields and
the dynamically named ones replaced by the same values. The answer may be a page with
defaults, an error beside a field, 400, 403 or 404 — never a server error.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy.orm.exc import ObjectDeletedError

from tests.conftest import csrf_token, login_as
from tests.system.access.routes import MATRIX
from tests.system.access.scene import ROLES, build_scene

ROOT = Path(__file__).resolve().parents[2] / "ecoprod"
READ = re.compile(r"""request\.(?:args|form)\.get\(\s*f?["']([\w-]+)""")
NAMES = sorted(
    {name for path in ROOT.rglob("*.py") for name in READ.findall(path.read_text())}
    | {
        "q",
        "start",
        "end",
        "archived",
        "workshop_id",
        "trade",
        "year",
        "status",
        "page",
        "week",
        "tab",
        "state",
    }
)
HOSTILE = [
    "0001-01-01",
    "9999-12-31",
    "2026-13-45",
    "-1",
    "0",
    "99999999999999999999999",
    "1e400",
    "NaN",
    "-inf",
    "\x00",
    "'\"<script>x</script>",
    "%",
    "a" * 5000,
    "../../etc/passwd",
    "//evil.example.com",
]
# Whoever may act on a route reads all of its fields; the others are refused before.
ACTING = ("admin", "master", "customer")


def test_the_code_reads_the_parameters_we_fuzz():
    assert {"week", "page", "tab", "state", "status", "next", "key", "scope", "action"} <= set(NAMES)


@pytest.fixture(scope="module")
def names():
    return NAMES


def _query(value: str) -> dict[str, str]:
    return dict.fromkeys(NAMES, value)


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v[:20]))
def test_no_query_parameter_makes_a_server_error(app, factory, value):
    scene = build_scene(factory, with_quotes=True, with_invoices=True)
    for endpoint, case in sorted(MATRIX.items()):
        if case.method != "GET":
            continue
        url = case.url(scene).split("?")[0]
        for role in ROLES:
            client = app.test_client()
            if scene.users[role] is not None:
                login_as(client, scene.users[role])
            response = client.get(url, query_string=_query(value))
            assert response.status_code < 500, (
                f"{endpoint} as {role} with {value[:30]!r}: {response.status_code}"
            )
            response.close()


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v[:20]))
def test_no_posted_field_makes_a_server_error(app, factory, value):
    scene = build_scene(factory, with_quotes=True, with_invoices=True)
    for endpoint, case in sorted(MATRIX.items()):
        if case.method != "POST":
            continue
        for role in ROLES:
            if scene.users[role] is None:
                continue
            client = login_as(app.test_client(), scene.users[role])
            url = _url_or_none(case, scene)
            if url is None:
                continue
            fields = dict.fromkeys(case.data(scene), value) | _query(value)
            if scene.invoice is not None:
                fields |= {f"credit-{line.id}": value for line in scene.invoice.lines}
            # The fields that choose a branch keep a meaning, so every branch reads the rest.
            modes = ({}, {"scope": "lines", "action": "save"}, {"action": "issue"}, {"action": "add_line"})
            for mode in modes if role in ACTING else modes[:1]:
                response = client.post(url, data={**fields, **mode, "csrf_token": csrf_token(client)})
                assert response.status_code < 500, (
                    f"{endpoint} as {role} with {value[:30]!r} {mode}: {response.status_code}"
                )
                response.close()


def _url_or_none(case, scene):
    try:
        return case.url(scene)
    except (AttributeError, TypeError, IndexError, ObjectDeletedError):  # an earlier post removed it
        return None


def test_the_reviewers_two_requests(app, factory):
    scene = build_scene(factory, with_invoices=True)
    admin = login_as(app.test_client(), scene.users["admin"])
    board = admin.get(f"/planning/workshops/{scene.world.machining.id}?week=0001-01-01")
    assert board.status_code == 200  # this week's board
    line = scene.invoice.lines[0]
    response = admin.post(
        f"/invoices/{scene.invoice.id}/credit-note",
        data={"scope": "lines", f"credit-{line.id}": "NaN", "csrf_token": csrf_token(admin)},
    )
    assert response.status_code == 400 and f'id="credit-{line.id}-error"' in response.get_data(as_text=True)
