"""Calendar feeds (review finding 5, as a class): one address per person and subject, that
its owner renews or revokes from the page that shows it, and that stops when the owner, the
workshop or the student is archived, or when the owner may no longer see what it shows."""

from __future__ import annotations

import sqlalchemy as sa
from itsdangerous import URLSafeSerializer

from ecoprod.extensions import db
from ecoprod.planning import feeds
from ecoprod.planning.models import CalendarFeed
from ecoprod.tenancy import scoped_to
from tests.conftest import login_as, post
from tests.factories import plan_world


def _address(page: str) -> str:
    start = page.index('class="feed-url" value="') + len('class="feed-url" value="')
    url = page[start : page.index('"', start)]
    return url.replace("http://localhost", "").replace("&amp;", "&")


def _get_address(client, url_of_page, renew_url) -> str:
    assert post(client, renew_url).status_code == 302
    return _address(client.get(url_of_page).get_data(as_text=True))


def test_a_feed_is_made_shown_renewed_and_revoked_from_its_page(app, client, factory, world):
    plan = plan_world(factory, world)
    login_as(client, world.master)
    board = f"/planning/workshops/{world.machining.id}"
    assert "feed-url" not in client.get(board).get_data(as_text=True)  # made on request only
    first = _get_address(client, board, f"/planning/workshops/{world.machining.id}/feed")
    reader = app.test_client()
    feed = reader.get(first)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert "Tournage des axes" in feed.get_data(as_text=True)
    assert _address(client.get(board).get_data(as_text=True)) == first  # shown again, unchanged
    second = _get_address(client, board, f"/planning/workshops/{world.machining.id}/feed")
    assert second != first
    assert reader.get(first).status_code == 404 and reader.get(second).status_code == 200
    made = db.session.scalars(sa.select(CalendarFeed)).one()
    assert post(client, f"/planning/feeds/{made.id}/revoke").status_code == 302
    assert reader.get(second).status_code == 404
    assert plan.operation  # the board had work on it


def test_a_student_s_feed_stops_when_the_student_is_archived(app, client, factory, world):
    plan_world(factory, world)
    login_as(client, world.master)
    page = f"/planning/students/{world.student.id}"
    url = _get_address(client, page, f"/planning/students/{world.student.id}/feed")
    reader = app.test_client()
    assert reader.get(url).status_code == 200
    admin = login_as(app.test_client(), world.admin)
    assert post(admin, f"/admin/students/{world.student.id}/archive").status_code == 302
    assert reader.get(url).status_code == 404
    post(admin, f"/admin/students/{world.student.id}/archive")  # restored…
    assert reader.get(url).status_code == 404  # …the old address stays void


def test_a_feed_stops_when_its_owner_or_the_workshop_is_archived(app, client, factory, world):
    plan_world(factory, world)
    login_as(client, world.master)
    board = f"/planning/workshops/{world.machining.id}"
    url = _get_address(client, board, f"/planning/workshops/{world.machining.id}/feed")
    admin = login_as(app.test_client(), world.admin)
    admin_url = _get_address(admin, board, f"/planning/workshops/{world.machining.id}/feed")
    reader = app.test_client()
    assert reader.get(url).status_code == 200 and reader.get(admin_url).status_code == 200
    assert url != admin_url  # one address per person
    assert post(admin, f"/admin/users/{world.master.id}/archive").status_code == 302
    assert reader.get(url).status_code == 404 and reader.get(admin_url).status_code == 200
    assert post(admin, f"/admin/workshops/{world.machining.id}/archive").status_code == 302
    assert reader.get(admin_url).status_code == 404


def test_a_master_who_leaves_the_workshop_no_longer_reads_it(app, client, factory, world):
    plan_world(factory, world)
    with scoped_to(db.session, world.school.id):
        made = feeds.renew(world.master, workshop=world.machining)
        db.session.commit()
        url = f"/feeds/workshops/{world.machining.id}.ics?key={feeds.key_of(made)}"
    reader = app.test_client()
    assert reader.get(url).status_code == 200
    with scoped_to(db.session, world.school.id):
        world.master.workshops = [world.metalwork]
        db.session.commit()
    assert reader.get(url).status_code == 404


def test_keys_of_other_feeds_forged_or_of_the_old_kind_read_nothing(app, factory, world):
    plan = plan_world(factory, world)
    with scoped_to(db.session, world.school.id):
        made = feeds.renew(world.master, student=world.student)
        db.session.commit()
        key = feeds.key_of(made)
    reader = app.test_client()
    assert reader.get(f"/feeds/students/{world.student.id}.ics?key={key}").status_code == 200
    for url in (
        f"/feeds/students/{world.student.id}.ics",
        f"/feeds/students/{plan.classmate.id}.ics?key={key}",
        f"/feeds/workshops/{world.machining.id}.ics?key={key}",
        f"/feeds/students/{world.student.id}.ics?key={key[:-2]}xx",
        f"/feeds/students/{world.student.id}.ics?key=9999.{key.partition('.')[2]}",
        f"/feeds/students/{world.student.id}.ics?key=" + "9" * 40 + ".x",
    ):
        assert reader.get(url).status_code == 404, url
    # The signed keys of the previous release ([kind, id, school]) no longer open anything.
    old = URLSafeSerializer(app.config["SECRET_KEY"], salt="ecoprod-ics-feed").dumps(
        ["student", world.student.id, world.school.id]
    )
    assert reader.get(f"/feeds/students/{world.student.id}.ics?key={old}").status_code == 404


def test_nobody_renews_a_feed_of_what_they_cannot_plan(app, factory, world):
    plan_world(factory, world)
    metal = login_as(app.test_client(), world.metal_master)
    assert post(metal, f"/planning/workshops/{world.machining.id}/feed").status_code == 403
    assert post(metal, f"/planning/students/{world.student.id}/feed").status_code == 403
    with scoped_to(db.session, world.school.id):
        made = feeds.renew(world.master, workshop=world.machining)
        db.session.commit()
    assert post(metal, f"/planning/feeds/{made.id}/revoke").status_code == 404
    db.session.refresh(made)
    assert made.revoked_at is None
