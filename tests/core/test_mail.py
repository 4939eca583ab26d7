"""Notifications leave through the outbox and a real SMTP server on loopback (aiosmtpd)."""

import email
import socket
import time
from email import policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from ecoprod.extensions import db
from ecoprod.notifications.models import OutboxEmail, OutboxStatus
from ecoprod.orders.models import OrderState
from tests.conftest import login_as, post


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 5.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield inbox
    controller.stop()
    app.config.update(MAIL_SERVER=None, MAIL_PORT=25)


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_submitted_request_reaches_the_master_by_smtp_after_commit(world, client, smtp):
    login_as(client, world.customer_user)
    response = post(client, f"/requests/{world.draft.id}/submit", follow_redirects=True)
    assert response.status_code == 200
    (message,) = smtp.wait_for(1)
    assert message["To"] == world.master.email
    assert "Nouvelle demande DDE-" in message["Subject"]
    assert "Brouillon Zéphyr" in body_of(message)
    sent = db.session.scalars(
        sa.select(OutboxEmail).where(OutboxEmail.to_address == world.master.email)
    ).all()
    assert [e.status for e in sent][-1] is OutboxStatus.SENT


def test_a_decline_reaches_the_customer_with_the_reason(world, client, smtp):
    login_as(client, world.master)
    post(
        client,
        f"/requests/{world.submitted.id}/decline",
        {"decline-reason": "Pas de tour disponible"},
        follow_redirects=True,
    )
    (message,) = smtp.wait_for(1)
    assert message["To"] == world.customer_user.email
    assert "Pas de tour disponible" in body_of(message)


def test_invitation_and_reset_mails_carry_working_links(world, client, smtp, app):
    login_as(client, world.admin)
    post(
        client,
        "/admin/users/invite",
        {"full_name": "Hugo Neuf", "email": "hugo@example.com", "role": "admin"},
        follow_redirects=True,
    )
    post(app.test_client(), "/password/forgot", {"email": world.master.email}, follow_redirects=True)
    invitation, reset = smtp.wait_for(2)
    assert "/invitation/" in body_of(invitation)
    assert "/password/reset/" in body_of(reset)


def test_nothing_is_sent_when_the_change_is_rolled_back(world, client, smtp):
    login_as(client, world.customer_user)
    # Submitting a request whose desired date is past fails after the e-mail would be queued.
    from datetime import timedelta

    from ecoprod.i18n import local_today

    world.draft.desired_date = local_today() - timedelta(days=3)
    db.session.commit()
    queued_before = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEmail))
    post(client, f"/requests/{world.draft.id}/submit", follow_redirects=True)
    time.sleep(0.2)
    assert smtp.messages == []
    db.session.refresh(world.draft)
    assert world.draft.state is OrderState.DRAFT
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEmail)) == queued_before


def test_failed_deliveries_stay_queued_and_the_command_retries_them(world, client, app):
    port = free_port()  # nothing listens there yet
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=1)
    try:
        login_as(client, world.customer_user)
        db.session.execute(sa.delete(OutboxEmail))
        db.session.commit()
        post(client, f"/requests/{world.draft.id}/submit", follow_redirects=True)
        queued = db.session.scalars(sa.select(OutboxEmail)).one()
        assert queued.status is OutboxStatus.FAILED
        assert queued.attempts == 1
        assert "Connection refused" in queued.last_error or "Errno" in queued.last_error

        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            result = app.test_cli_runner().invoke(args=["outbox", "send"])
            assert result.exit_code == 0, result.output
            assert "1 sent, 0 failed" in result.output
            assert len(inbox.wait_for(1)) == 1
        finally:
            controller.stop()
        db.session.refresh(queued)
        assert queued.status is OutboxStatus.SENT
        assert queued.attempts == 2
        # already sent: a second run sends nothing again
        assert "0 sent, 0 failed" in app.test_cli_runner().invoke(args=["outbox", "send"]).output
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25, MAIL_TIMEOUT=10)


def test_without_smtp_settings_mails_are_written_to_the_log(world, client, caplog):
    caplog.set_level("INFO", logger="ecoprod.notifications.outbox")
    login_as(client, world.customer_user)
    post(client, f"/requests/{world.draft.id}/submit", follow_redirects=True)
    assert "no MAIL_SERVER set" in caplog.text
    assert world.master.email in caplog.text


def test_a_line_break_in_a_title_cannot_break_the_subject(world, client, smtp):
    world.draft.title = "Axes\r\nBcc: victim@example.com"
    db.session.commit()
    login_as(client, world.customer_user)
    post(client, f"/requests/{world.draft.id}/submit", follow_redirects=True)
    (message,) = smtp.wait_for(1)
    assert "\n" not in message["Subject"]
    assert message["Bcc"] is None


def test_mails_stuck_in_sending_are_retried(world, app):
    from datetime import timedelta

    from ecoprod.database import utcnow

    email = db.session.scalars(sa.select(OutboxEmail)).first()
    email.status = OutboxStatus.SENDING
    email.claimed_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    db.session.refresh(email)
    assert email.status is OutboxStatus.SENT
