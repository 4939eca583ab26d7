"""Signing in and out, throttling, one-time links, sign-up approval."""

import re
from datetime import timedelta

import sqlalchemy as sa
import time_machine

from ecoprod.accounts import services
from ecoprod.accounts.models import (
    AuthToken,
    Role,
    SignupRequest,
    SignupStatus,
    TokenPurpose,
    User,
    UserStatus,
)
from ecoprod.customers.models import Customer
from ecoprod.database import utcnow
from ecoprod.extensions import db
from ecoprod.notifications.models import OutboxEmail
from tests.conftest import csrf_token, last_email_to, link_in, login_as, post, sign_in
from tests.factories import PASSWORD


def sign_up(client, app, company, full_name, email, siret="", password="robuste-secret-2026"):  # noqa: S107
    """The sign-up form, then the e-mailed link where the password is chosen."""
    response = post(
        client,
        "/signup/alpha",
        {"company_name": company, "siret": siret, "full_name": full_name, "email": email},
    )
    assert response.status_code == 200 and "boîte" in response.get_data(as_text=True)
    link = link_in(last_email_to(email))
    assert "/signup/confirm/" in link
    confirmed = post(app.test_client(), link, {"password": password, "confirm": password})
    assert confirmed.status_code == 200 and "Merci" in confirmed.get_data(as_text=True)
    return confirmed


def test_sign_in_and_land_on_the_role_home(world, client):
    response = sign_in(client, world.customer_user.email.upper())
    assert response.status_code == 302
    assert client.get("/").headers["Location"].endswith("/requests")


def test_wrong_password_says_so_beside_the_field(world, client):
    response = sign_in(client, world.customer_user.email, "nope-nope-nope")
    assert response.status_code == 200
    assert 'id="password-error"' in response.get_data(as_text=True)
    assert client.get("/requests").status_code == 302


def test_archived_and_pending_accounts_cannot_sign_in(world, client, factory):
    archived = factory.user(world.school, Role.MASTER, status=UserStatus.ARCHIVED)
    assert "password-error" in sign_in(client, archived.email).get_data(as_text=True)


def test_open_redirects_are_ignored(world, client):
    response = client.post(
        "/login?next=https://evil.example.com/",
        data={"email": world.admin.email, "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.headers["Location"] == "/"


def test_eleventh_failure_on_an_account_gets_429(world, client):
    for _ in range(10):
        assert sign_in(client, world.admin.email, "wrong-password").status_code == 200
    response = sign_in(client, world.admin.email, PASSWORD)
    assert response.status_code == 429
    assert "Trop de tentatives" in response.get_data(as_text=True)


def test_the_account_limit_holds_across_addresses(world, app):
    for i in range(10):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{i + 1}"
        sign_in(client, world.admin.email, "wrong-password")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.1.1"
    assert sign_in(client, world.admin.email, PASSWORD).status_code == 429


def test_the_address_limit_holds_across_accounts(world, client):
    for i in range(10):
        sign_in(client, f"nobody{i}@example.com", "wrong-password")
    assert sign_in(client, world.master.email, PASSWORD).status_code == 429


def test_successful_sign_ins_are_not_counted(world, app):
    for _ in range(12):
        client = app.test_client()
        assert sign_in(client, world.admin.email).status_code == 302


def test_the_limit_lifts_after_fifteen_minutes(world, client):
    with time_machine.travel(utcnow(), tick=False) as clock:
        for _ in range(10):
            sign_in(client, world.admin.email, "wrong-password")
        assert sign_in(client, world.admin.email).status_code == 429
        clock.shift(timedelta(minutes=16))
        assert sign_in(client, world.admin.email).status_code == 302


def test_a_replayed_cookie_after_logout_is_refused(world, client):
    sign_in(client, world.customer_user.email)
    old_cookie = client.get_cookie("session").value
    assert client.get("/requests").status_code == 200
    post(client, "/logout")
    assert client.get("/requests").status_code == 302
    client.set_cookie("session", old_cookie)
    assert client.get("/requests").status_code == 302


def test_changing_the_password_ends_other_sessions(world, app):
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, world.customer_user.email)
    sign_in(phone, world.customer_user.email)
    response = post(
        laptop,
        "/account/password",
        {
            "pw-current_password": PASSWORD,
            "pw-password": "a-brand-new-secret",
            "pw-confirm": "a-brand-new-secret",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/requests").status_code == 200  # this device got a new cookie
    assert phone.get("/requests").status_code == 302
    assert sign_in(app.test_client(), world.customer_user.email, "a-brand-new-secret").status_code == 302


def test_passwords_are_hashed_with_a_slow_kdf(app):
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    try:
        assert services.hash_password("some-password-123").startswith("scrypt:")
    finally:
        app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"


def test_invitation_link_works_once(world, client, app):
    login_as(client, world.admin)
    response = post(
        client,
        "/admin/users/invite",
        {
            "full_name": "Nora Neuve",
            "email": "nora@example.com",
            "role": "master",
            "workshops": [str(world.machining.id)],
        },
    )
    assert response.status_code == 302
    user = services.find_user_by_email("nora@example.com")
    assert user.status is UserStatus.INVITED
    assert user.password_hash is None
    assert [w.name for w in user.workshops] == ["Usinage Alpha"]
    link = link_in(last_email_to("nora@example.com"))
    fresh = app.test_client()
    assert fresh.get(link).status_code == 200
    response = post(fresh, link, {"password": "atelier-secret-2026", "confirm": "atelier-secret-2026"})
    assert response.status_code == 302
    assert fresh.get("/inbox").status_code == 200
    db.session.refresh(user)
    assert user.status is UserStatus.ACTIVE
    again = app.test_client()
    assert again.get(link).status_code == 404
    assert (
        post(again, link, {"password": "another-secret-1", "confirm": "another-secret-1"}).status_code == 404
    )


def test_invitation_links_expire(world, client, app):
    login_as(client, world.admin)
    post(
        client, "/admin/users/invite", {"full_name": "Léo Tard", "email": "leo@example.com", "role": "admin"}
    )
    link = link_in(last_email_to("leo@example.com"))
    with time_machine.travel(utcnow() + timedelta(days=8)):
        assert app.test_client().get(link).status_code == 404


def test_password_reset_by_email_token(world, client, app):
    response = post(client, "/password/forgot", {"email": world.master.email})
    assert response.status_code == 302
    link = link_in(last_email_to(world.master.email))
    response = post(app.test_client(), link, {"password": "reset-secret-123", "confirm": "reset-secret-123"})
    assert response.status_code == 302
    assert sign_in(app.test_client(), world.master.email, "reset-secret-123").status_code == 302
    assert app.test_client().get(link).status_code == 404


def test_password_reset_says_the_same_for_unknown_addresses(world, client):
    known = post(client, "/password/forgot", {"email": world.master.email}, follow_redirects=True)
    unknown = post(client, "/password/forgot", {"email": "ghost@example.com"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    message = "Si un compte actif utilise cette adresse"
    assert message in known.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxEmail)
            .where(OutboxEmail.to_address == "ghost@example.com")
        )
        == 0
    )


def test_only_hashes_of_tokens_are_stored(world):
    raw = services.issue_token(world.admin, TokenPurpose.PASSWORD_RESET, timedelta(hours=1))
    db.session.commit()
    hashes = db.session.scalars(sa.select(AuthToken.token_hash)).all()
    assert raw not in hashes


def test_self_sign_up_waits_for_approval_then_joins_the_matching_company(world, client, app):
    sign_up(
        client, app, "Mécanique Zéphyr", "Paul Nouveau", "paul@zephyr.example.com", siret=world.company.siret
    )
    assert sign_in(app.test_client(), "paul@zephyr.example.com", "robuste-secret-2026").status_code == 200
    assert last_email_to(world.admin.email).template == "signup_received"

    signup = db.session.scalars(sa.select(SignupRequest)).one()
    admin = login_as(app.test_client(), world.admin)
    page = admin.get("/admin/users?status=pending").get_data(as_text=True)
    assert "Paul Nouveau" in page
    assert '<option selected value="0">' in page  # never attached by default: a SIRET is public
    assert (
        "Your customer Mécanique Zéphyr has this SIREN" in page
        or "Votre client Mécanique Zéphyr a ce SIREN" in page
    )
    response = post(
        admin, f"/admin/signups/{signup.id}/approve", {f"s{signup.id}-customer_id": str(world.company.id)}
    )
    assert response.status_code == 302
    user = services.find_user_by_email("paul@zephyr.example.com")
    assert user.customer_id == world.company.id
    assert sign_in(app.test_client(), "paul@zephyr.example.com", "robuste-secret-2026").status_code == 302
    assert last_email_to("paul@zephyr.example.com").template == "signup_approved"


def test_sign_up_approved_as_a_new_company(world, client, app):
    sign_up(client, app, "Jeune Pousse SAS", "Inès Neuve", "ines@pousse.example.com")
    signup = db.session.scalars(sa.select(SignupRequest)).one()
    admin = login_as(app.test_client(), world.admin)
    post(admin, f"/admin/signups/{signup.id}/approve", {f"s{signup.id}-customer_id": "0"})
    customer = db.session.scalars(sa.select(Customer).where(Customer.name == "Jeune Pousse SAS")).one()
    assert customer.school_id == world.school.id
    db.session.refresh(signup)
    assert signup.status is SignupStatus.APPROVED


def test_rejected_sign_up_cannot_sign_in(world, client, app):
    sign_up(client, app, "Spam Corp", "Sam Spam", "sam@spam.example.com")
    signup = db.session.scalars(sa.select(SignupRequest)).one()
    admin = login_as(app.test_client(), world.admin)
    post(admin, f"/admin/signups/{signup.id}/reject")
    assert db.session.get(User, signup.user_id).status is UserStatus.ARCHIVED
    assert sign_in(app.test_client(), "sam@spam.example.com", "robuste-secret-2026").status_code == 200


def test_sign_up_refuses_a_bad_siret_beside_the_field(world, client):
    response = post(
        client,
        "/signup/alpha",
        {
            "company_name": "Faux",
            "siret": "12345678901234",
            "full_name": "Faux Nom",
            "email": "faux@example.com",
            "password": "robuste-secret-2026",
            "confirm": "robuste-secret-2026",
        },
    )
    assert 'id="siret-error"' in response.get_data(as_text=True)
    assert services.find_user_by_email("faux@example.com") is None


def test_weak_passwords_are_refused(world, client, app):
    login_as(client, world.admin)
    post(
        client,
        "/admin/users/invite",
        {"full_name": "Zoé Faible", "email": "zoe@example.com", "role": "admin"},
    )
    link = link_in(last_email_to("zoe@example.com"))
    response = post(app.test_client(), link, {"password": "faible-faible-1", "confirm": "faible-faible-1"})
    assert "ne doit contenir ni votre nom ni votre adresse e-mail" in response.get_data(as_text=True)
    assert services.find_user_by_email("zoe@example.com").password_hash is None


def test_reset_links_ignore_a_forged_host_header(world, client):
    evil = "http://evil.example.com"
    page = client.get("/password/forgot", base_url=evil).get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post(
        "/password/forgot", data={"email": world.master.email, "csrf_token": token}, base_url=evil
    )
    assert response.status_code == 302
    body = last_email_to(world.master.email).body
    assert "evil.example.com" not in body
    assert "http://ecoprod.test/password/reset/" in body


def test_an_archived_invitee_cannot_come_back_through_the_old_link(world, client, app, factory):
    login_as(client, world.admin)
    post(
        client,
        "/admin/users/invite",
        {"full_name": "Vera Partie", "email": "vera@example.com", "role": "admin"},
    )
    link = link_in(last_email_to("vera@example.com"))
    user = services.find_user_by_email("vera@example.com")
    post(client, f"/admin/users/{user.id}/archive")
    response = post(
        app.test_client(), link, {"password": "nouveau-secret-42", "confirm": "nouveau-secret-42"}
    )
    assert response.status_code == 404
    db.session.refresh(user)
    assert user.status is UserStatus.ARCHIVED


def test_a_refused_sign_up_cannot_be_restored_into_a_broken_account(world, client, app):
    sign_up(client, app, "Spam Corp", "Sam Spam", "sam@spam.example.com")
    signup = db.session.scalars(sa.select(SignupRequest)).one()
    admin = login_as(app.test_client(), world.admin)
    post(admin, f"/admin/signups/{signup.id}/reject")
    response = post(admin, f"/admin/users/{signup.user_id}/restore", follow_redirects=True)
    assert response.status_code == 200
    assert db.session.get(User, signup.user_id).status is UserStatus.ARCHIVED


def test_sessions_end_when_the_school_is_deactivated(world, client):
    login_as(client, world.customer_user)
    assert client.get("/requests").status_code == 200
    world.school.is_active = False
    db.session.commit()
    assert client.get("/requests").status_code == 302


# --- One spelling per address: throttles and lookups agree (review finding 2) ------------------

FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def spellings(address):
    local, _, domain = address.partition("@")
    return [
        address + "\x00",
        "\x00" + address,
        f"{local[:2]}\x00{local[2:]}@{domain}",
        f"{local}\u200b@{domain}",
        f"\ufeff{address}",
        f"  {address}\t",
        address.upper(),
        address + ".",
        f"{local}@{domain}\r\n",
        local.translate(FULLWIDTH) + "@" + domain,
    ]


def test_no_spelling_of_an_address_escapes_the_account_limit(world, app):
    for i in range(10):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{i + 1}"
        sign_in(client, world.admin.email, "wrong-password")
    for n, spelling in enumerate(spellings(world.admin.email)):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.2.{n + 1}"
        assert sign_in(client, spelling, PASSWORD).status_code == 429, repr(spelling)


def test_every_spelling_signs_in_to_the_same_account(world, app):
    for n, spelling in enumerate(spellings(world.admin.email)):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.3.{n + 1}"
        assert sign_in(client, spelling, PASSWORD).status_code == 302, repr(spelling)
        assert services.find_user_by_email(spelling).id == world.admin.id


def test_failures_under_other_spellings_count_for_the_account(world, app):
    for n, spelling in enumerate(spellings(world.admin.email)):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.4.{n + 1}"
        sign_in(client, spelling, "wrong-password")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.5.1"
    assert sign_in(client, world.admin.email, PASSWORD).status_code == 429


def test_password_reset_is_throttled_per_address_whatever_the_spelling(world, app):
    for n, spelling in enumerate(spellings(world.master.email)[:5]):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.6.{n + 1}"
        assert post(client, "/password/forgot", {"email": spelling}).status_code == 302
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.6.99"
    assert post(client, "/password/forgot", {"email": world.master.email.upper()}).status_code == 429
    sent = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxEmail)
        .where(OutboxEmail.to_address == world.master.email, OutboxEmail.template == "password_reset")
    )
    assert sent == 5


def test_sign_up_is_throttled_per_address_whatever_the_spelling(world, app):
    for n, spelling in enumerate(spellings("new.person@zephyr.example.com")[:5]):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.7.{n + 1}"
        response = post(
            client,
            "/signup/alpha",
            {"company_name": "Zéphyr", "siret": "", "full_name": "Nouvelle Personne", "email": spelling},
        )
        assert response.status_code == 200, repr(spelling)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.7.99"
    response = post(
        client,
        "/signup/alpha",
        {
            "company_name": "Zéphyr",
            "siret": "",
            "full_name": "N P",
            "email": "NEW.person@zephyr.example.com.",
        },
    )
    assert response.status_code == 429


# --- Sign-up: the same answer for every address, no squatting (review finding 4) -------------


def _sign_up_page(client, email, company="Zéphyr Bis", name="Paul Nouveau"):
    response = post(
        client, "/signup/alpha", {"company_name": company, "siret": "", "full_name": name, "email": email}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # The page itself: no CSRF token nor anything that varies with the address.
    return re.sub(r'content="[^"]+"|value="[^"]+"', "", page)


def test_sign_up_answers_the_same_for_a_known_and_an_unknown_address(world, client, app):
    known = _sign_up_page(client, world.customer_user.email)
    unknown = _sign_up_page(app.test_client(), "nobody.yet@example.com")
    assert known == unknown
    assert "existe déjà" not in known
    # The owner of the known address is told by e-mail, with a way in; nothing was created.
    note = last_email_to(world.customer_user.email)
    assert note.template == "signup_account_exists" and "/password/forgot" in note.body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignupRequest)) == 1  # the unknown one
    assert last_email_to("nobody.yet@example.com").template == "signup_confirm"


def test_an_unconfirmed_sign_up_never_blocks_an_invitation_in_any_school(world, client, app):
    _sign_up_page(client, "victim@zephyr.example.com", name="Squatteur")
    assert services.find_user_by_email("victim@zephyr.example.com").status is UserStatus.PENDING
    # Not shown to the administrators, who are not told either.
    admin = login_as(app.test_client(), world.admin)
    assert "Squatteur" not in admin.get("/admin/users?status=pending").get_data(as_text=True)
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxEmail)
            .where(OutboxEmail.template == "signup_received")
        )
        == 0
    )
    other = login_as(app.test_client(), world.other_admin)  # another school
    response = post(
        other,
        "/admin/users/invite",
        {"full_name": "Vraie Personne", "email": "victim@zephyr.example.com", "role": "admin"},
    )
    assert response.status_code == 302
    user = services.find_user_by_email("victim@zephyr.example.com")
    assert user.status is UserStatus.INVITED and user.school_id == world.other_school.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignupRequest)) == 0
    # The squatter's link is dead.
    squat = next(
        m for m in db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.template == "signup_confirm"))
    )
    assert app.test_client().get(link_in(squat)).status_code == 404


def test_a_new_sign_up_replaces_an_unconfirmed_one_and_its_link(world, client, app):
    _sign_up_page(client, "twice@zephyr.example.com", company="Première")
    first = link_in(last_email_to("twice@zephyr.example.com"))
    _sign_up_page(app.test_client(), "twice@zephyr.example.com", company="Seconde")
    second = link_in(last_email_to("twice@zephyr.example.com"))
    assert app.test_client().get(first).status_code == 404
    page = app.test_client().get(second).get_data(as_text=True)
    assert "Seconde" in page
    assert db.session.scalars(sa.select(SignupRequest.company_name)).all() == ["Seconde"]


def test_an_unconfirmed_sign_up_expires(world, client, app):
    with time_machine.travel(utcnow(), tick=False) as clock:
        _sign_up_page(client, "late@zephyr.example.com")
        link = link_in(last_email_to("late@zephyr.example.com"))
        clock.shift(timedelta(hours=49))
        assert app.test_client().get(link).status_code == 404
        _sign_up_page(app.test_client(), "someone.else@example.com")  # any sign-up purges the stale ones
        assert services.find_user_by_email("late@zephyr.example.com") is None


def test_a_confirmed_sign_up_cannot_be_confirmed_again_nor_without_its_link(world, client, app):
    _sign_up_page(client, "once@zephyr.example.com")
    link = link_in(last_email_to("once@zephyr.example.com"))
    assert (
        post(
            app.test_client(), link, {"password": "robuste-secret-2026", "confirm": "robuste-secret-2026"}
        ).status_code
        == 200
    )
    assert (
        post(
            app.test_client(), link, {"password": "autre-secret-2026x", "confirm": "autre-secret-2026x"}
        ).status_code
        == 404
    )
    assert (
        sign_in(app.test_client(), "once@zephyr.example.com", "robuste-secret-2026").status_code == 200
    )  # awaits approval
    # A confirmed, pending sign-up does keep its address: the owner proved it.
    admin = login_as(app.test_client(), world.admin)
    response = post(
        admin, "/admin/users/invite", {"full_name": "X", "email": "once@zephyr.example.com", "role": "admin"}
    )
    assert "existe déjà" in response.get_data(as_text=True)
