"""Planning through the real services and pages: refusals with their reasons, warnings, the
order's lifecycle, late risk, the calendar import, feeds, and what customers and students see."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
import time_machine

from ecoprod.extensions import db
from ecoprod.i18n import SCHOOL_TIMEZONE, local_today
from ecoprod.minors import services as minors
from ecoprod.minors.models import DerogationDeclaration
from ecoprod.notifications.models import OutboxEmail
from ecoprod.orders.models import OrderState
from ecoprod.planning import services
from ecoprod.planning.models import (
    Absence,
    Assignment,
    CalendarEvent,
    CalendarKind,
    Operation,
    OperationKind,
    OperationStatus,
    QualityResult,
    RoutingTemplate,
    TimeLog,
)
from ecoprod.slots import Half, HalfDay
from ecoprod.tenancy import scoped_to
from tests.conftest import login_as, post
from tests.factories import PNG_BYTES, firm_order, next_monday, plan_world
from tests.system.access.scene import STUDENT_DATA


@pytest.fixture
def plan(factory, world):
    return plan_world(factory, world)


def op_input(world, name="Perçage", hours="7", machine=None, kind=OperationKind.MACHINE, difficulty=1):
    return services.OperationInput(
        world.machining.id, kind, name, Decimal(hours), difficulty, machine.id if machine else None
    )


def refusal(operation, student, *slots):
    with pytest.raises(services.PlanningError) as caught:
        services.assign(operation, student, list(slots), None)
    db.session.rollback()
    return " ".join(caught.value.reasons)


def test_each_refusal_reason_reaches_the_master_in_words(app, factory, world, plan):
    monday = plan.monday
    with scoped_to(db.session, world.school.id):
        op = services.add_operation(plan.order, op_input(world, "Perçage des platines"))
        db.session.commit()
        # Double booking: Théo is on "Tournage des axes" on Monday morning.
        assert "déjà sur une autre opération" in refusal(op, world.student, HalfDay(monday, Half.AM))
        # Tuesday morning is lessons in the default timetable.
        tuesday = monday + timedelta(days=1)
        assert "a cours le" in refusal(op, world.student, HalfDay(tuesday, Half.AM))
        # The absence recorded for Tuesday of the following week.
        assert "est absent(e)" in refusal(op, world.student, HalfDay(monday + timedelta(days=8), Half.PM))
        # Winter holidays of the school calendar.
        reason = refusal(op, world.student, HalfDay(plan.holiday.start_date, Half.AM))
        assert "fermée" in reason and "Vacances d'hiver" in reason
        # A workshop closed on Fridays.
        world.machining.open_pattern &= ~(3 << 8)
        db.session.commit()
        assert "n’est pas ouvert" in refusal(op, world.student, HalfDay(monday + timedelta(days=4), Half.AM))
        # The past (two weeks back: on a Monday, "next Monday" minus seven days is today).
        last_monday = monday - timedelta(days=14)
        assert "est passé" in refusal(op, world.student, HalfDay(last_monday, Half.AM))
        # A student of another workshop.
        welder = factory.student(world.school, world.metalwork, last_name="Soudeur")
        assert "n’est pas élève de l’atelier" in refusal(op, welder, HalfDay(monday, Half.PM))
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Assignment).where(Assignment.operation_id == op.id)
        )
        == 0
    )


def test_a_minor_on_a_regulated_machine_needs_every_requirement_on_every_day(app, factory, world, plan):
    monday = plan.monday
    slot = HalfDay(monday, Half.PM)
    with scoped_to(db.session, world.school.id):
        db.session.delete(plan.declaration)
        db.session.commit()
        op = services.add_operation(plan.order, op_input(world, "Tournage", machine=world.machine))
        db.session.commit()
        student = factory.student(
            world.school, world.machining, last_name="Mineur", birth_date=date(2010, 5, 1)
        )
        reasons = refusal(op, student, slot)
        assert "aucune déclaration de dérogation" in reasons
        assert "pas d’avis médical d’aptitude valide" in reasons
        assert "n’aura pas été formé(e)" in reasons
        assert "pas de tuteur désigné" in reasons

        declaration = minors.add_declaration(
            world.school.id, date(2024, 1, 10), "Tours", "D1", [world.machine]
        )
        minors.add_medical_opinion(student, date(2026, 9, 1), monday + timedelta(days=7), True)
        minors.record_training(student, world.machine, date(2026, 9, 15))
        student.supervisor_id = world.master.id
        db.session.commit()
        # The declaration made on 10 January 2024 is valid until 9 January 2027 included.
        assert declaration.valid_until == date(2027, 1, 9)
        assert services.assign(op, student, [slot], world.master) == []
        db.session.commit()
        # The medical opinion runs out: a day after its last one is refused.
        after_opinion = HalfDay(monday + timedelta(days=14), Half.AM)
        assert "avis médical" in refusal(op, student, after_opinion)


def test_the_minors_rule_stops_on_the_eighteenth_birthday(app, factory, world, plan):
    monday = plan.monday
    with scoped_to(db.session, world.school.id):
        op = services.add_operation(plan.order, op_input(world, "Fraisage", machine=world.machine))
        db.session.commit()
        turning_18 = factory.student(
            world.school,
            world.machining,
            last_name="Majeur",
            birth_date=date(monday.year - 18, monday.month, monday.day),
        )
        day_before = monday - timedelta(days=7) + timedelta(days=7)  # the Monday itself is the birthday
        assert services.assign(op, turning_18, [HalfDay(day_before, Half.PM)], world.master) == []
        db.session.commit()
        younger = factory.student(
            world.school,
            world.machining,
            last_name="Presque",
            birth_date=date(monday.year - 18, monday.month, monday.day) + timedelta(days=1),
        )
        assert "est mineur(e)" in refusal(op, younger, HalfDay(monday, Half.PM))


def test_warnings_for_level_and_capacity_do_not_refuse(app, factory, world, plan):
    with scoped_to(db.session, world.school.id):
        hard = services.add_operation(plan.order, op_input(world, "Filetage", hours="200", difficulty=4))
        warnings = services.assign(hard, world.student, [HalfDay(plan.monday, Half.PM)], world.master)
        db.session.commit()
    assert any("(1) est inférieur à la difficulté de l’opération (4)" in w for w in warnings)
    capacity, planned = services.week_capacity(world.machining, plan.monday)
    # Two students of the workshop, 7 workshop half-days each in the default timetable.
    assert capacity == Decimal("14") * services.hours_per_half_day(world.school.id)
    assert planned == 3 * services.hours_per_half_day(world.school.id)


def test_a_week_over_capacity_is_warned_about(app, factory, world, plan):
    """Capacity shrinks after planning (an absence, a closure): the week is then over capacity."""
    lessons = {(1, Half.AM), (2, Half.PM), (3, Half.AM)}
    week = [
        HalfDay(plan.monday + timedelta(days=d), h) for d in range(5) for h in Half if (d, h) not in lessons
    ]
    with scoped_to(db.session, world.school.id):
        big = services.add_operation(plan.order, op_input(world, "Gros lot", hours="100"))
        free_for_theo = [s for s in week if s != HalfDay(plan.monday, Half.AM)]
        free_for_lina = [s for s in week if s != HalfDay(plan.monday, Half.PM)]
        services.assign(big, world.student, free_for_theo, world.master)
        assert services.assign(big, plan.classmate, free_for_lina, world.master) == []
        db.session.commit()
        capacity, planned = services.week_capacity(world.machining, plan.monday)
        assert planned == capacity  # every workshop half-day of both students is taken
        db.session.add(
            Absence(
                school_id=world.school.id,
                student=plan.classmate,
                start_date=plan.monday,
                end_date=plan.monday + timedelta(days=4),
                reason="Stage",
            )
        )
        db.session.commit()
        warnings = services.capacity_warnings(world.machining, [plan.monday])
    assert len(warnings) == 1 and "dépasse la capacité" in warnings[0]


def test_the_order_moves_to_planned_in_production_and_ready(workday, app, factory, world):
    monday = next_monday()
    with scoped_to(db.session, world.school.id):
        order = firm_order(factory, world.customer_user, "Support Zéphyr")
        make = services.add_operation(order, op_input(world, "Usinage", hours="3.5"))
        inspect = services.add_operation(
            order, op_input(world, "Contrôle final", hours="3.5", kind=OperationKind.INSPECT)
        )
        services.assign(make, world.student, [HalfDay(monday, Half.AM)], world.master)
        db.session.commit()
        assert order.state is OrderState.ACCEPTED  # the inspection is not scheduled yet
        services.assign(inspect, world.student, [HalfDay(monday, Half.PM)], world.master)
        db.session.commit()
        assert order.state is OrderState.PLANNED
        services.log_time(make, world.student, local_today(), Decimal("2"), world.master)
        db.session.commit()
        assert order.state is OrderState.IN_PRODUCTION
        done = services.ProgressInput(OperationStatus.DONE, 100)
        services.update_progress(make, done, world.master)
        services.update_progress(
            inspect,
            services.ProgressInput(OperationStatus.DONE, 100, quality=QualityResult.FAILED),
            world.master,
        )
        db.session.commit()
        assert order.state is OrderState.IN_PRODUCTION  # the final inspection did not pass
        services.update_progress(
            inspect,
            services.ProgressInput(OperationStatus.DONE, 100, quality=QualityResult.PASSED),
            world.master,
        )
        db.session.commit()
        assert order.state is OrderState.READY


def test_time_is_logged_only_for_the_past_and_by_students_of_the_operation(app, factory, world, plan):
    with scoped_to(db.session, world.school.id):
        tomorrow = local_today() + timedelta(days=1)
        with pytest.raises(services.PlanningError, match="aujourd’hui ou avant"):
            services.log_time(plan.operation, world.student, tomorrow, Decimal("2"), world.master)
        db.session.rollback()
        welder = factory.student(world.school, world.metalwork, last_name="Soudeur")
        with pytest.raises(services.PlanningError, match="ne travaille pas sur cette opération"):
            services.log_time(plan.operation, welder, local_today(), Decimal("2"), world.master)
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TimeLog)) == 0


def test_a_blocked_operation_needs_a_reason(app, world, plan):
    with scoped_to(db.session, world.school.id), pytest.raises(services.PlanningError, match="pourquoi"):
        services.update_progress(
            plan.operation, services.ProgressInput(OperationStatus.BLOCKED, 10), world.master
        )


def test_late_risk_flags_the_order_and_notifies_the_masters_once(app, factory, world):
    with scoped_to(db.session, world.school.id):
        order = firm_order(factory, world.customer_user, "Urgence Zéphyr", promised_in_days=10)
        services.add_operation(order, op_input(world, "Série", hours="400"))
        db.session.commit()
        assert services.late_risk(order)
        small = firm_order(factory, world.customer_user, "Petite série", promised_in_days=60)
        services.add_operation(small, op_input(world, "Pièce", hours="3"))
        db.session.commit()
        assert not services.late_risk(small)
    result = app.test_cli_runner().invoke(args=["planning", "check-late"])
    assert "1 order(s) at risk notified" in result.output
    mails = db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.template == "late_risk")).all()
    assert {m.to_address for m in mails} == {world.master.email, world.admin.email}
    assert all("Secretnom" not in (m.body or "") for m in mails)
    # Once a day at most.
    assert "0 order(s)" in app.test_cli_runner().invoke(args=["planning", "check-late"]).output


ICS = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Education//Calendrier//FR
BEGIN:VEVENT
UID:hiver-2027-zone-a@education.gouv.fr
DTSTART;VALUE=DATE:20270206
DTEND;VALUE=DATE:20270222
SUMMARY:Vacances d'hiver
END:VEVENT
BEGIN:VEVENT
UID:paques-2027@education.gouv.fr
DTSTART;VALUE=DATE:20270403
DTEND;VALUE=DATE:20270419
SUMMARY:Vacances de printemps
END:VEVENT
END:VCALENDAR
"""


def test_the_school_calendar_imports_an_ics_file_once(app, client, world):
    login_as(client, world.admin)
    response = post(
        client, "/admin/calendar/import", {"ics-ics": (io.BytesIO(ICS), "zone-a.ics"), "ics-kind": "holiday"}
    )
    assert response.status_code == 302
    again = post(
        client, "/admin/calendar/import", {"ics-ics": (io.BytesIO(ICS), "zone-a.ics"), "ics-kind": "holiday"}
    )
    assert again.status_code == 302
    events = db.session.scalars(sa.select(CalendarEvent).order_by(CalendarEvent.start_date)).all()
    assert [(e.label, e.start_date, e.end_date) for e in events] == [
        ("Vacances d'hiver", date(2027, 2, 6), date(2027, 2, 21)),
        ("Vacances de printemps", date(2027, 4, 3), date(2027, 4, 18)),
    ]
    assert all(e.kind is CalendarKind.HOLIDAY and e.school_id == world.school.id for e in events)
    bad = post(
        client,
        "/admin/calendar/import",
        {"ics-ics": (io.BytesIO(b"\x89PNG not a calendar"), "x.ics"), "ics-kind": "holiday"},
        follow_redirects=True,
    )
    assert "pas un agenda (.ics) lisible" in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarEvent)) == 2


def test_the_customer_follows_progress_without_any_student_data(workday, app, client, world, plan):
    with scoped_to(db.session, world.school.id):
        services.log_time(plan.operation, world.student, local_today(), Decimal("3"), world.master)
        services.update_progress(
            plan.operation, services.ProgressInput(OperationStatus.IN_PROGRESS, 50), world.master
        )
        db.session.commit()
    login_as(client, world.customer_user)
    page = client.get(f"/requests/{plan.order.id}").get_data(as_text=True)
    assert "Tournage des axes" in page and "Ébavurage" in page
    assert f"/photos/{plan.photo.id}" in page and f"/photos/{plan.private_photo.id}" not in page
    for marker in STUDENT_DATA:
        assert marker not in page, marker
    shared = client.get(f"/photos/{plan.photo.id}")
    shared.close()
    assert shared.status_code == 200
    assert client.get(f"/photos/{plan.private_photo.id}").status_code == 404
    for staff_only in (
        f"/requests/{plan.order.id}/gantt",
        f"/operations/{plan.operation.id}",
        f"/skills/students/{world.student.id}",
    ):
        assert client.get(staff_only).status_code == 403


def test_a_student_sees_and_logs_only_their_own_tasks(app, client, world, plan):
    login_as(client, plan.student_user)
    page = client.get("/my-tasks").get_data(as_text=True)
    assert "Tournage des axes" in page and "Ébavurage" not in page and "Autrenom" not in page
    assert client.get("/").headers["Location"].endswith("/my-tasks")
    today = plan.monday.isoformat()  # the student's half-day on the operation
    with time_machine.travel(datetime.combine(plan.monday, time(11), SCHOOL_TIMEZONE), tick=False):
        mine = post(
            client,
            f"/my-tasks/operations/{plan.operation.id}/time",
            {f"t{plan.operation.id}-day": today, f"t{plan.operation.id}-hours": "2,5"},
        )
        assert mine.status_code == 302
        theirs = post(
            client,
            f"/my-tasks/operations/{plan.classmate_operation.id}/time",
            {f"t{plan.classmate_operation.id}-day": today, f"t{plan.classmate_operation.id}-hours": "2"},
        )
        assert theirs.status_code == 404
        for elsewhere in (
            "/requests",
            f"/operations/{plan.operation.id}",
            "/planning",
            f"/feeds/students/{plan.classmate.id}.ics",
        ):
            assert client.get(elsewhere).status_code in (403, 404)
    logs = db.session.scalars(sa.select(TimeLog)).all()
    assert [(log.student_id, log.hours) for log in logs] == [(world.student.id, Decimal("2.5"))]


def test_bad_operation_input_is_shown_beside_the_field_and_saves_nothing(app, client, world, plan):
    login_as(client, world.master)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Operation))
    response = post(
        client,
        f"/requests/{plan.order.id}/operations",
        {
            "kind": "weld",
            "workshop_id": world.machining.id,
            "name": "",
            "estimated_hours": "-2",
            "difficulty": "9",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Operation)) == before


def test_a_photo_must_be_an_image(app, client, world, plan):
    login_as(client, world.master)
    before = len(plan.operation.photos)
    page = post(
        client,
        f"/operations/{plan.operation.id}/photos",
        {"photo": (io.BytesIO(b"%PDF-1.4 not a photo"), "photo.png"), "caption": "Axe"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "PNG" in page
    db.session.expire_all()
    assert len(db.session.get(Operation, plan.operation.id).photos) == before
    ok = post(
        client, f"/operations/{plan.operation.id}/photos", {"photo": (io.BytesIO(PNG_BYTES), "axe.png")}
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert len(db.session.get(Operation, plan.operation.id).photos) == before + 1


def test_auto_plan_proposes_then_applies_the_same_schedule(app, client, world, plan):
    with scoped_to(db.session, world.school.id):
        services.add_operation(plan.order, op_input(world, "Taraudage", hours="7"))
        db.session.commit()
        proposal, _ = services.propose(world.machining)
        assert proposal.assignments and not proposal.unplaced
        placed = services.apply_proposal(world.machining, proposal, world.master)
        db.session.commit()
    assert placed == len(proposal.assignments)
    ops = db.session.scalars(sa.select(Operation).where(Operation.order_id == plan.order.id)).all()
    assert all(op.status is OperationStatus.SCHEDULED for op in ops)
    db.session.refresh(plan.order)
    assert plan.order.state is OrderState.PLANNED


def test_skills_record_csv_and_booklet(workday, app, client, world, plan):
    with scoped_to(db.session, world.school.id):
        services.log_time(plan.operation, world.student, local_today(), Decimal("3.5"), world.master)
        services.sign_off(world.student, plan.operation, plan.competence, world.master)
        db.session.commit()
    login_as(client, world.master)
    csv = client.get(f"/skills/students/{world.student.id}.csv")
    assert csv.mimetype == "text/csv"
    text = csv.get_data(as_text=True)
    assert "Tournage des axes" in text and "3,50" in text and "C3.2" in text
    booklet = client.get(f"/skills/students/{world.student.id}.pdf")
    assert booklet.mimetype == "application/pdf"
    from pypdf import PdfReader

    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(booklet.data)).pages)
    assert "Secretnom" in words and "C3.2" in words and "Tournage des axes" in words


def test_the_register_pdf_lists_declarations_and_student_files(app, client, world, plan):
    login_as(client, world.admin)
    response = client.get("/minors/register.pdf")
    assert response.mimetype == "application/pdf"
    from pypdf import PdfReader

    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "DD-69-001" in words and "Secretnom" in words


def test_register_warns_30_days_before_expiry(app, world, plan):
    with scoped_to(db.session, world.school.id):
        declaration = db.session.get(DerogationDeclaration, plan.declaration.id)
        expires = declaration.valid_until
        soon = minors.alerts(world.school.id, today=expires - timedelta(days=30))
        assert any("DD-69-001" in alert.text for alert in soon)
        assert not any(
            "DD-69-001" in a.text for a in minors.alerts(world.school.id, today=expires - timedelta(days=31))
        )


def test_an_absence_frees_the_student_and_is_checked(app, client, world, plan):
    login_as(client, world.master)
    response = post(
        client,
        f"/planning/students/{world.student.id}/absences",
        {"absence-start_date": "2027-01-10", "absence-end_date": "2027-01-09", "absence-reason": "x"},
        follow_redirects=True,
    )
    assert "Le dernier jour doit suivre le premier." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Absence)) == 1


def test_a_routing_saved_from_an_order_splits_the_next_one(app, client, factory, world, plan):
    login_as(client, world.master)
    saved = post(client, f"/requests/{plan.order.id}/routing/save", {"template-name": "Axes standard"})
    assert saved.status_code == 302
    template = db.session.scalars(sa.select(RoutingTemplate)).one()
    assert [s.name for s in template.steps] == ["Tournage des axes", "Ébavurage"]
    with scoped_to(db.session, world.school.id):
        other = firm_order(factory, world.customer_user, "Axes Zéphyr bis")
    applied = post(client, f"/requests/{other.id}/routing", {"routing-template_id": template.id})
    assert applied.status_code == 302
    names = db.session.scalars(
        sa.select(Operation.name).where(Operation.order_id == other.id).order_by(Operation.position)
    ).all()
    assert names == ["Tournage des axes", "Ébavurage"]
    nameless = post(
        client, f"/requests/{other.id}/routing/save", {"template-name": ""}, follow_redirects=True
    )
    assert "Donnez un nom à la gamme." in nameless.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RoutingTemplate)) == 1


def test_a_proposal_outdated_by_an_absence_is_refused_whole(app, world, plan):
    with scoped_to(db.session, world.school.id):
        services.add_operation(plan.order, op_input(world, "Taraudage", hours="7"))
        db.session.commit()
        proposal, _ = services.propose(world.machining)
        _op, student_id, slot = proposal.assignments[0]
        db.session.add(
            Absence(school_id=world.school.id, student_id=student_id, start_date=slot.day, end_date=slot.day)
        )
        db.session.commit()
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Assignment))
        with pytest.raises(services.PlanningError, match="absent"):
            services.apply_proposal(world.machining, proposal, world.master)
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == before
