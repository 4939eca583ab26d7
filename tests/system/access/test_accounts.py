"""The access matrix: public pages, sign-in, one's account, users and sign-ups."""

from __future__ import annotations

import pytest

from ecoprod.accounts.models import SignupRequest, User
from ecoprod.extensions import db
from tests.system.access.scene import (
    ADMIN_ACTION,
    ADMIN_OBJECT,
    ADMIN_PAGE,
    PUBLIC,
    Case,
    expect,
    run_case,
    w,
)

ROUTES: dict[str, Case] = {
    "web.home": Case("GET", lambda s: "/", expect(302, student=302)),
    "web.healthz": Case("GET", lambda s: "/healthz", expect(200, student=200)),
    "web.metrics": Case("GET", lambda s: "/metrics", expect(404, student=403)),  # no METRICS_TOKEN set
    "web.set_language": Case(
        "POST", lambda s: "/language", expect(302, student=302), data=lambda s: {"lang": "en"}
    ),
    "accounts.login": Case("GET", lambda s: "/login", expect(302, anonymous=200)),
    "accounts.logout": Case("POST", lambda s: "/logout", expect(302, student=302)),
    "accounts.forgot_password": Case("GET", lambda s: "/password/forgot", PUBLIC),
    "accounts.reset_password": Case("GET", lambda s: "/password/reset/not-a-token", expect(404)),
    "accounts.accept_invitation": Case("GET", lambda s: "/invitation/not-a-token", expect(404)),
    "accounts.signup": Case("GET", lambda s: "/signup/alpha", PUBLIC),
    "accounts.confirm_signup": Case("GET", lambda s: "/signup/confirm/not-a-token", expect(404)),
    # A student's sign-in reaches only its tasks (review finding 8): not even its account.
    "accounts.profile": Case("GET", lambda s: "/account", expect(200, anonymous=302, student=403)),
    "accounts.change_password": Case(
        "POST", lambda s: "/account/password", expect(400, anonymous=302, student=403)
    ),
    "accounts.users": Case("GET", lambda s: "/admin/users?status=pending", ADMIN_PAGE),
    "accounts.invite": Case("GET", lambda s: "/admin/users/invite", ADMIN_PAGE),
    "accounts.edit_user": Case("GET", w("metal_master", "/admin/users/{id}/edit"), ADMIN_OBJECT),
    "accounts.archive_user": Case(
        "POST",
        w("metal_master", "/admin/users/{id}/archive"),
        ADMIN_ACTION,
        changes=lambda s: db.session.get(User, s.world.metal_master.id).status,
    ),
    "accounts.restore_user": Case("POST", w("metal_master", "/admin/users/{id}/restore"), ADMIN_ACTION),
    "accounts.resend_invitation": Case(
        "POST", lambda s: f"/admin/users/{s.invited.id}/reinvite", ADMIN_ACTION
    ),
    "accounts.approve_signup": Case(
        "POST",
        lambda s: f"/admin/signups/{s.signup.id}/approve",
        ADMIN_ACTION,
        data=lambda s: {f"s{s.signup.id}-customer_id": "0"},
        changes=lambda s: db.session.get(SignupRequest, s.signup.id).status,
    ),
    "accounts.reject_signup": Case(
        "POST",
        lambda s: f"/admin/signups/{s.signup.id}/reject",
        ADMIN_ACTION,
        changes=lambda s: db.session.get(SignupRequest, s.signup.id).status,
    ),
}


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_as_every_role(app, factory, endpoint):
    run_case(app, factory, endpoint, ROUTES[endpoint])
