"""The access matrix: an order's conversation — its page, posting, a message's file (an
internal note's file for the staff alone). The scene's conversation: ``scene.add_conversation``."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from ecoprod.conversations.models import OrderMessage
from ecoprod.extensions import db
from tests.system.access.scene import Case, Scene, expect, run_case

SEEN_BY_SCHOOL_AND_ITS_COMPANY = expect(
    200, anonymous=302, rival=404, other_admin=404, operator=403, student=403
)
SEEN_BY_SCHOOL = expect(404, anonymous=302, master=200, admin=200, operator=403, student=403)


def messages(scene: Scene) -> dict[str, Any]:
    return scene.conversation  # made by the scene (scene.add_conversation)


def file_url(which: str) -> Any:
    def url(scene: Scene) -> str:
        made = messages(scene)
        message_id, file_id = made[which]
        return f"/requests/{made['order']}/messages/{message_id}/files/{file_id}"

    return url


def thread_url(scene: Scene) -> str:
    return f"/requests/{messages(scene)['order']}/messages"


def message_count(scene: Scene) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(OrderMessage))


ROUTES: dict[str, Case] = {
    "conversations.thread": Case("GET", thread_url, SEEN_BY_SCHOOL_AND_ITS_COMPANY),
    "conversations.post": Case(
        "POST",
        thread_url,
        expect(403, anonymous=302, customer=302, master=302, admin=302, rival=404, other_admin=404),
        data=lambda s: {"body": "Livraison possible jeudi ?"},
        changes=message_count,
    ),
    "conversations.download": Case("GET", file_url("asked"), SEEN_BY_SCHOOL_AND_ITS_COMPANY),
}


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_as_every_role(app, factory, endpoint):
    run_case(app, factory, endpoint, ROUTES[endpoint])


def test_an_internal_notes_file_is_for_the_schools_staff_alone(app, factory):
    run_case(app, factory, "conversations.download", Case("GET", file_url("note"), SEEN_BY_SCHOOL))
