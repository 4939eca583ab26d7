"""CSRF on every action, security headers, cookies, configuration that refuses to be unsafe."""

import pytest

from ecoprod import create_app
from ecoprod.config import ConfigError
from tests.conftest import login_as
from tests.system.access.routes import MATRIX
from tests.system.access.scene import _request, build_scene, scene_for  # noqa: F401

# Routes without a CSRF token, each for a reason: no browser session reaches them.
CSRF_EXEMPT = {
    # The e-invoicing platform's calls: signed (Afnor-Signature) with the school's key, no session
    # (tests/einvoicing/test_statuses.py refuses unsigned, stale and foreign calls).
    "einvoicing.webhook",
}
STATE_CHANGING = sorted(
    name for name, case in MATRIX.items() if case.method == "POST" and name not in CSRF_EXEMPT
)
# Every POST route, with the role that is allowed to use it.
ALLOWED_ROLE = {
    "web.set_language": "customer",
    "accounts.logout": "customer",
    "accounts.change_password": "customer",
    "orders.submit": "customer",
    "orders.cancel": "customer",
    "orders.delete_drawing": "customer",
    "orders.decline": "master",
    "quotes.accept": "customer",
    "quotes.refuse": "customer",
    "planning.log_own_time": "student",
}


@pytest.mark.parametrize("endpoint", STATE_CHANGING)
def test_every_action_refuses_a_request_without_csrf_token(app, factory, endpoint):
    case = MATRIX[endpoint]
    scene = scene_for(factory, endpoint)
    role = ALLOWED_ROLE.get(endpoint, "admin")
    before = case.changes(scene) if case.changes else None
    client = login_as(app.test_client(), scene.users[role])
    response = client.post(case.url(scene), data=case.data(scene))
    assert response.status_code == 400
    assert "Le formulaire avait expiré" in response.get_data(as_text=True)
    if case.changes:
        from ecoprod.extensions import db

        db.session.expire_all()
        assert case.changes(scene) == before


def test_only_the_listed_routes_do_without_the_token(app):
    assert set(app.extensions["csrf"]._exempt_views) == {"ecoprod.einvoicing.views.webhook"}


def test_login_and_public_forms_need_the_token_too(client, world):
    for url in ("/login", "/password/forgot", "/signup/alpha"):
        assert client.post(url, data={"email": world.admin.email}).status_code == 400


def test_html_responses_carry_the_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_over_https(client):
    response = client.get("/login", base_url="https://ecoprod.example.com")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_no_inline_script_in_pages(world, client):
    login_as(client, world.customer_user)
    html = client.get("/requests/new").get_data(as_text=True)
    assert "<script>" not in html
    assert " onclick=" not in html


def test_session_cookie_is_httponly_and_lax(world, client):
    from tests.conftest import sign_in

    response = sign_in(client, world.admin.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ECOPROD_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    with pytest.raises(ConfigError):
        create_app()


def test_production_cookies_are_secure(monkeypatch):
    monkeypatch.setenv("ECOPROD_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgres://user@db/ecoprod")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://user@db/ecoprod"
