"""The SMTP server down for a while, then back: every e-mail queued meanwhile is delivered,
each exactly once, by the job worker on its own (``flask jobs worker`` in its own process,
a kept queue, a real SMTP server on loopback that stops and starts again on its port).

The first retry waits ``OUTBOX_RETRY_SECONDS`` (2 s here, a minute by default) and the
outbox's sweep runs every minute: the time to recover is at most a minute or so here."""

from __future__ import annotations

import time
from collections import Counter

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from ecoprod.extensions import db
from ecoprod.notifications.models import OutboxEmail, OutboxStatus
from tests.conftest import csrf_token, login_as
from tests.faults.conftest import Inbox, start_worker, wait_until
from tests.orders.test_request_form import form_data
from tests.servers import free_port

pytestmark = pytest.mark.faults

REQUESTS = 6


def _emails() -> list[OutboxEmail]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)))


def test_emails_queued_while_smtp_is_down_are_all_delivered_once_it_is_back(
    app, world, client, kept_queue, figures
):
    port = free_port()  # nothing listens there yet: the SMTP server is down
    already = len(_emails())  # the world's own, queued and never sent: delivered too
    worker = start_worker(app, kept_queue, port, ECOPROD_OUTBOX_RETRY_SECONDS="2")
    inbox, smtp = Inbox(), None
    try:
        customer = login_as(client, world.customer_user)
        token = csrf_token(customer)
        for n in range(REQUESTS):  # each submitted request e-mails the school
            response = customer.post(
                "/requests/new", data={**form_data(title=f"Série {n}"), "csrf_token": token}
            )
            assert response.status_code == 302
        assert len(_emails()) >= already + REQUESTS

        def all_failed_at_least_once() -> bool:
            return all(e.attempts >= 1 and e.status is OutboxStatus.FAILED for e in _emails())

        wait_until(all_failed_at_least_once, 60, "every e-mail to fail against the closed port")
        time.sleep(3)  # down a while longer: the first retries fail too
        attempts_while_down = sum(e.attempts for e in _emails())

        smtp = Controller(inbox, hostname="127.0.0.1", port=port)
        smtp.start()
        back = time.monotonic()

        def all_sent() -> bool:
            return all(e.status is OutboxStatus.SENT for e in _emails())

        recovered = wait_until(all_sent, 150, "every e-mail to be delivered once SMTP is back")
        time.sleep(2)  # nothing more arrives
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        worker.stderr.close()
        if smtp is not None:
            smtp.stop()
    ours = _emails()
    received = Counter(inbox.message_ids)
    assert len(received) == len(ours)
    assert set(received.values()) == {1}, received  # each exactly once
    assert all(e.last_error is None and e.sent_at for e in ours)
    figures(
        emails=len(ours),
        failed_attempts_while_down=attempts_while_down,
        delivered=f"{len(received)}/{len(ours)}",
        delivered_twice=sum(1 for n in received.values() if n > 1),
        lost=len(ours) - len(received),
        time_to_recover=f"{recovered:.1f} s after SMTP was back ({time.monotonic() - back:.1f} s in all)",
    )
