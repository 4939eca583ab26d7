"""The access matrix: the search box (every member of a school; what each finds is tested in
tests/search, through each domain's own visibility rule)."""

from __future__ import annotations

import pytest

from tests.system.access.scene import Case, expect, run_case

ROUTES: dict[str, Case] = {
    "search.results": Case(
        "GET",
        lambda s: f"/search?q={s.world.submitted.number}",
        expect(200, anonymous=302, operator=403, student=403),
    ),
}


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_as_every_role(app, factory, endpoint):
    run_case(app, factory, endpoint, ROUTES[endpoint])
