"""The school's connection to its platform: saved with its secret sealed, tested against the
sandbox platform on loopback, refused with a message beside the field when wrong."""

from __future__ import annotations

import sqlalchemy as sa
from cryptography.fernet import Fernet

from ecoprod import secretbox
from ecoprod.einvoicing.models import PlatformConnection, Syntax
from ecoprod.extensions import db
from tests.conftest import login_as, post
from tests.einvoicing.conftest import CLIENT_ID, CLIENT_SECRET

PAGE = "/admin/e-invoicing"


def _fields(pa, **changes):
    endpoints = pa.endpoints
    fields = {
        "flow_url": endpoints.flow_url,
        "directory_url": endpoints.directory_url,
        "token_url": endpoints.token_url,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "syntax": "Factur-X",
    }
    return fields | changes


def _saved(world) -> PlatformConnection | None:
    db.session.expire_all()
    return db.session.scalars(
        sa.select(PlatformConnection)
        .where(PlatformConnection.school_id == world.school.id)
        .execution_options(all_schools=True)
    ).one_or_none()


def test_an_admin_saves_the_connection_its_secret_sealed_and_tests_it(app, client, world, pa):
    login_as(client, world.admin)
    assert post(client, PAGE, _fields(pa, syntax="UBL")).status_code == 302
    saved = _saved(world)
    assert saved.syntax is Syntax.UBL and saved.client_id == CLIENT_ID
    assert (
        CLIENT_SECRET not in saved.sealed_secret
        and secretbox.open_sealed(saved.sealed_secret) == CLIENT_SECRET
    )
    page = client.get(PAGE).get_data(as_text=True)
    assert CLIENT_SECRET not in page and "Non testée" in page

    assert post(client, f"{PAGE}/test").status_code == 302
    page = client.get(PAGE).get_data(as_text=True)
    assert "la connexion fonctionne" in page and "Fonctionne" in page
    assert _saved(world).check_ok is True


def test_a_wrong_secret_fails_the_test_with_the_platform_s_answer(client, world, pa):
    login_as(client, world.admin)
    post(client, PAGE, _fields(pa, client_secret="not-the-secret"))
    post(client, f"{PAGE}/test")
    saved = _saved(world)
    assert saved.check_ok is False and "client id or secret" in saved.check_message
    page = client.get(PAGE).get_data(as_text=True)
    assert "En échec" in page and "client id or secret" in page


def test_a_platform_down_fails_the_test_and_a_new_secret_then_works(client, world, pa):
    login_as(client, world.admin)
    post(client, PAGE, _fields(pa))
    pa.platform.down = True
    post(client, f"{PAGE}/test")
    assert _saved(world).check_ok is False and "503" in _saved(world).check_message
    pa.platform.down = False
    post(client, f"{PAGE}/test")
    assert _saved(world).check_ok is True


def test_leaving_the_secret_empty_keeps_it_and_a_changed_address_forgets_the_test(client, world, pa):
    login_as(client, world.admin)
    post(client, PAGE, _fields(pa))
    post(client, f"{PAGE}/test")
    sealed = _saved(world).sealed_secret
    post(client, PAGE, _fields(pa, client_secret=""))
    assert _saved(world).sealed_secret == sealed and _saved(world).check_ok is True  # nothing changed
    post(client, PAGE, _fields(pa, client_secret="", token_url=pa.endpoints.token_url + "/"))
    assert _saved(world).check_ok is True  # the same address
    post(client, PAGE, _fields(pa, client_secret="", client_id="another-id"))
    assert _saved(world).check_ok is None and _saved(world).sealed_secret == sealed


def test_bad_input_is_shown_beside_the_field_and_saves_nothing(client, world, pa):
    login_as(client, world.admin)
    for field, value, message in (
        ("flow_url", "ftp://pa.example/flow", "https://"),
        ("token_url", "https://user:pw@pa.example/token", "mot de passe"),
        ("directory_url", "", "obligatoire"),
        ("client_secret", "", "secret client"),
        ("syntax", "PDF", "Choix invalide"),
    ):
        response = post(client, PAGE, _fields(pa, **{field: value}))
        assert response.status_code == 200, field
        page = response.get_data(as_text=True)
        assert f'id="{field}-error"' in page and message.lower() in page.lower(), field
        assert _saved(world) is None


def test_each_school_sees_only_its_own_connection(client, world, pa):
    login_as(client, world.admin)
    post(client, PAGE, _fields(pa))
    login_as(client, world.other_admin)
    page = client.get(PAGE).get_data(as_text=True)
    assert pa.endpoints.flow_url not in page and "Test de la connexion" not in page


def test_a_secret_sealed_with_another_key_asks_to_be_entered_again(app, client, world, pa):
    login_as(client, world.admin)
    post(client, PAGE, _fields(pa))
    saved_key = app.config["ENCRYPTION_KEY"]
    app.config["ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    try:
        response = post(client, f"{PAGE}/test", follow_redirects=True)
        assert "saisissez-le à nouveau" in response.get_data(as_text=True)
        assert _saved(world).checked_at is None  # nothing recorded
    finally:
        app.config["ENCRYPTION_KEY"] = saved_key


def test_keys_rotate_the_first_sealing_and_every_one_opening(app):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    saved_key = app.config["ENCRYPTION_KEY"]
    try:
        app.config["ENCRYPTION_KEY"] = old
        sealed = secretbox.seal("s")
        app.config["ENCRYPTION_KEY"] = f"{new},{old}"
        assert secretbox.open_sealed(sealed) == "s"
        assert Fernet(new).decrypt(secretbox.seal("t").encode()) == b"t"
    finally:
        app.config["ENCRYPTION_KEY"] = saved_key


def test_production_without_a_key_refuses_to_save_with_a_message(app, client, world, pa):
    login_as(client, world.admin)
    saved = app.config["ENCRYPTION_KEY"], app.config["PRODUCTION"]
    app.config["ENCRYPTION_KEY"], app.config["PRODUCTION"] = None, True
    try:
        response = post(
            client,
            PAGE,
            _fields(
                pa,
                flow_url="https://pa.example/flow-service",
                directory_url="https://pa.example/directory-service",
                token_url="https://pa.example/token",
            ),
        )
        assert response.status_code == 200 and "ENCRYPTION_KEY" in response.get_data(as_text=True)
        assert _saved(world) is None
    finally:
        app.config["ENCRYPTION_KEY"], app.config["PRODUCTION"] = saved
