"""Time logged is real time (review finding 7, as a class): on a day of the order's life the
workshop is open, within the day's workshop hours for the student, and — on the tablet —
within the student's own half-days on the operation; by the student and the master alike."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecoprod.extensions import db
from ecoprod.i18n import SCHOOL_TIMEZONE
from ecoprod.planning import services
from ecoprod.planning.models import TimeLog
from ecoprod.planning.rules import TimeLogFacts, time_log_refusals
from ecoprod.slots import WORKING_WEEK
from ecoprod.tenancy import scoped_to
from tests.conftest import login_as, post
from tests.factories import plan_world

MONDAY = date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _french(app):
    """The messages name days in French, as the pages do."""
    with app.test_request_context():
        yield


def facts(**changes) -> TimeLogFacts:
    base = {
        "student": "Théo Secretnom",
        "day": MONDAY,
        "today": MONDAY + timedelta(days=2),
        "since": MONDAY - timedelta(days=30),
        "closed": None,
        "workshop_pattern": WORKING_WEEK,
        "half_day_hours": Decimal("3.5"),
        "logged_that_day": Decimal("0"),
    }
    return TimeLogFacts(**(base | changes))


def test_a_full_workshop_day_is_the_most_a_student_logs():
    assert time_log_refusals(facts(), Decimal("7")) == []
    assert time_log_refusals(facts(), Decimal("7.01"))
    assert time_log_refusals(facts(logged_that_day=Decimal("5")), Decimal("2")) == []
    assert time_log_refusals(facts(logged_that_day=Decimal("5")), Decimal("3"))


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"day": MONDAY + timedelta(days=3)}, "aujourd’hui ou avant"),
        ({"day": date(2019, 1, 1)}, "précède l’arrivée de la demande"),
        ({"closed": "Vacances de Noël"}, "Vacances de Noël"),
        ({"day": MONDAY - timedelta(days=2)}, "pas ouvert"),  # a Saturday
        ({"workshop_pattern": 0}, "pas ouvert"),
    ],
)
def test_a_day_outside_the_order_s_open_days_is_refused(changes, words):
    refusals = time_log_refusals(facts(**changes), Decimal("1"))
    assert refusals and words in " ".join(refusals)


def test_on_the_tablet_only_the_student_s_own_half_days_count():
    assert time_log_refusals(facts(scheduled=0), Decimal("1"))
    assert time_log_refusals(facts(scheduled=1), Decimal("3.5")) == []
    assert time_log_refusals(facts(scheduled=1), Decimal("3.6"))
    assert time_log_refusals(facts(scheduled=1, logged_on_operation=Decimal("3")), Decimal("1"))
    assert time_log_refusals(facts(scheduled=2), Decimal("7")) == []


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.decimals(min_value="0.25", max_value="12", places=2), max_size=8))
def test_whatever_is_tried_a_day_never_holds_more_than_the_workshop_day(attempts):
    logged = Decimal("0")
    for hours in attempts:
        if not time_log_refusals(facts(logged_that_day=logged), hours):
            logged += hours
    assert logged <= Decimal("7")


def _at(day: date, hour: int = 11):
    return time_machine.travel(datetime.combine(day, time(hour), SCHOOL_TIMEZONE), tick=False)


def _tablet_post(client, plan, day: date, hours: str):
    op = plan.operation.id
    return post(
        client, f"/my-tasks/operations/{op}/time", {f"t{op}-day": day.isoformat(), f"t{op}-hours": hours}
    )


def _logged() -> Decimal:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(TimeLog.hours), 0)))


def test_the_reviewers_student_cannot_log_2019_nor_25_hours_a_day(app, factory, world):
    plan = plan_world(factory, world)
    with _at(plan.monday):
        tablet = login_as(app.test_client(), plan.student_user)
        page = _tablet_post(tablet, plan, date(2019, 1, 1), "12")
        assert page.status_code == 302
        assert _logged() == 0
        assert _tablet_post(tablet, plan, plan.monday, "12").status_code == 302
        assert _logged() == 0  # one morning on the operation holds 3.5 h
        assert _tablet_post(tablet, plan, plan.monday, "3,5").status_code == 302
        assert _tablet_post(tablet, plan, plan.monday, "0,5").status_code == 302
        assert _logged() == Decimal("3.5")
    with _at(plan.monday + timedelta(days=1)):  # Tuesday: not planned on it that day
        tablet = login_as(app.test_client(), plan.student_user)
        op = plan.operation.id
        day = (plan.monday + timedelta(days=1)).isoformat()
        response = post(
            tablet,
            f"/my-tasks/operations/{op}/time",
            {f"t{op}-day": day, f"t{op}-hours": "1"},
            follow_redirects=True,
        )
        assert "pas été planifié(e)" in response.get_data(as_text=True)
        assert _logged() == Decimal("3.5")


def test_the_master_is_held_to_the_order_s_life_and_the_workshop_day(app, factory, world):
    plan = plan_world(factory, world)
    with _at(plan.monday + timedelta(days=2)), scoped_to(db.session, world.school.id):
        for day, hours in (
            (date(2019, 1, 1), "3"),
            (plan.monday - timedelta(days=2), "3"),
            (plan.monday, "8"),
        ):
            with pytest.raises(services.PlanningError):
                services.log_time(plan.operation, world.student, day, Decimal(hours), world.master)
            db.session.rollback()
        services.log_time(plan.operation, world.student, plan.monday, Decimal("7"), world.master)
        db.session.commit()
        with pytest.raises(services.PlanningError, match="7 h au plus"):
            services.log_time(
                plan.classmate_operation, world.student, plan.monday, Decimal("0.5"), world.master
            )
        db.session.rollback()
    assert _logged() == Decimal("7")


def test_the_master_sees_the_refusal_on_the_page(app, factory, world):
    plan = plan_world(factory, world)
    with _at(plan.monday + timedelta(days=2)):
        master = login_as(app.test_client(), world.master)
        response = post(
            master,
            f"/operations/{plan.operation.id}/time",
            {"time-student_id": str(world.student.id), "time-day": "2019-01-01", "time-hours": "12"},
            follow_redirects=True,
        )
        assert "précède l’arrivée de la demande" in response.get_data(as_text=True)
    assert _logged() == 0
