"""The access matrix: planning, the minors' register, the skills record."""

from __future__ import annotations

import pytest

from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.minors.models import DerogationDeclaration, MedicalOpinion, SafetyTraining
from ecoprod.planning.models import (
    Absence,
    Assignment,
    CalendarEvent,
    CalendarFeed,
    Competence,
    CompetenceSignoff,
    Operation,
    OperationPhoto,
    RoutingTemplate,
    TimeLog,
)
from ecoprod.students.models import Student
from tests.system.access.scene import (
    ADMIN_ACTION,
    ADMIN_PAGE,
    PLANNER,
    SCHOOL_ACTION,
    STAFF_ACTION,
    STAFF_PAGE,
    STUDENT_ONLY,
    Case,
    column,
    count,
    expect,
    feed,
    made_feed,
    p,
    run_case,
    w,
    week,
)

ROUTES: dict[str, Case] = {
    "planning.index": Case("GET", lambda s: "/planning", STAFF_PAGE),
    "planning.add_operation": Case(
        "POST",
        p("order", "/requests/{id}/operations"),
        STAFF_ACTION,
        data=lambda s: {
            "kind": "weld",
            "workshop_id": s.world.machining.id,
            "name": "Soudure du cadre",
            "estimated_hours": "4",
            "difficulty": "2",
            "machine_id": "0",
        },
        changes=count(Operation),
    ),
    "planning.edit_operation": Case("GET", p("operation", "/operations/{id}/edit"), PLANNER),
    "planning.delete_operation": Case(
        "POST", p("operation", "/operations/{id}/delete"), STAFF_ACTION, changes=count(Operation)
    ),
    "planning.reorder_operation": Case(
        "POST",
        p("classmate_operation", "/operations/{id}/move"),
        STAFF_ACTION,
        data=lambda s: {"direction": "up"},
        changes=column(Operation, "classmate_operation", "position"),
    ),
    "planning.apply_routing": Case(
        "POST", p("order", "/requests/{id}/routing"), STAFF_ACTION, changes=count(Operation)
    ),
    "planning.save_routing": Case(
        "POST",
        p("order", "/requests/{id}/routing/save"),
        STAFF_ACTION,
        data=lambda s: {"template-name": "Axes standard"},
        changes=count(RoutingTemplate),
    ),
    "planning.order_gantt": Case("GET", p("order", "/requests/{id}/gantt"), PLANNER),
    "planning.operation": Case("GET", p("operation", "/operations/{id}"), PLANNER),
    "planning.assign": Case(
        "POST",
        p("classmate_operation", "/operations/{id}/assign"),
        STAFF_ACTION,
        data=lambda s: {"assign-student_id": s.plan.classmate.id, "assign-slots": f"{week(s)}-am"},
        changes=count(Assignment),
    ),
    "planning.unassign": Case(
        "POST",
        p("assignment", "/planning/assignments/{id}/delete"),
        STAFF_ACTION,
        changes=count(Assignment),
    ),
    "planning.move": Case(
        "POST",
        p("assignment", "/planning/assignments/{id}/move"),
        STAFF_ACTION,
        data=lambda s: {
            f"move{s.plan.assignment.id}-student_id": s.world.student.id,
            f"move{s.plan.assignment.id}-slot": f"{week(s)}-pm",
        },
        changes=column(Assignment, "assignment", "half"),
    ),
    "planning.move_form": Case("GET", p("assignment", "/planning/assignments/{id}/move"), PLANNER),
    "planning.log_time": Case(
        "POST",
        p("operation", "/operations/{id}/time"),
        STAFF_ACTION,
        data=lambda s: {
            "time-student_id": s.world.student.id,
            "time-day": local_today().isoformat(),
            "time-hours": "3",
        },
        changes=count(TimeLog),
    ),
    "planning.progress": Case(
        "POST",
        p("operation", "/operations/{id}/progress"),
        STAFF_ACTION,
        data=lambda s: {
            "progress-status": "in_progress",
            "progress-percent_done": "40",
            "progress-quality": "none",
        },
        changes=column(Operation, "operation", "percent_done"),
    ),
    "planning.add_photo": Case(
        "POST", p("operation", "/operations/{id}/photos"), STAFF_ACTION, changes=count(OperationPhoto)
    ),
    "planning.share_photo": Case(
        "POST",
        p("private_photo", "/planning/photos/{id}/share"),
        STAFF_ACTION,
        changes=column(OperationPhoto, "private_photo", "shared_with_customer"),
    ),
    "planning.photo": Case(
        "GET",
        p("photo", "/photos/{id}"),
        expect(200, anonymous=302, rival=404, other_admin=404, operator=403, student=403),
    ),
    "planning.signoff": Case(
        "POST",
        p("operation", "/operations/{id}/signoff"),
        STAFF_ACTION,
        data=lambda s: {
            "signoff-student_id": s.world.student.id,
            "signoff-competence_id": s.plan.competence.id,
        },
        changes=count(CompetenceSignoff),
    ),
    "planning.board": Case("GET", w("machining", "/planning/workshops/{id}"), PLANNER),
    "planning.workshop_gantt": Case("GET", w("machining", "/planning/workshops/{id}/gantt"), PLANNER),
    "planning.autoplan": Case("GET", w("machining", "/planning/workshops/{id}/autoplan"), PLANNER),
    "planning.workshop_feed": Case(
        "GET", feed("workshop", "machining", "/feeds/workshops/{id}.ics"), expect(200, student=200)
    ),
    "planning.student_feed": Case(
        "GET", feed("student", "student", "/feeds/students/{id}.ics"), expect(200, student=200)
    ),
    "planning.renew_workshop_feed": Case(
        "POST", w("machining", "/planning/workshops/{id}/feed"), STAFF_ACTION, changes=count(CalendarFeed)
    ),
    "planning.renew_student_feed": Case(
        "POST", w("student", "/planning/students/{id}/feed"), STAFF_ACTION, changes=count(CalendarFeed)
    ),
    "planning.revoke_feed": Case(
        "POST",
        lambda s: f"/planning/feeds/{made_feed(s, 'workshop').id}/revoke",
        STAFF_ACTION,
        changes=lambda s: db.session.get(CalendarFeed, made_feed(s, "workshop").id).revoked_at,
    ),
    "planning.calendar": Case("GET", lambda s: "/admin/calendar", ADMIN_PAGE),
    "planning.import_calendar": Case("POST", lambda s: "/admin/calendar/import", SCHOOL_ACTION),
    "planning.delete_calendar_event": Case(
        "POST", p("holiday", "/admin/calendar/{id}/delete"), ADMIN_ACTION, changes=count(CalendarEvent)
    ),
    "planning.competences": Case("GET", lambda s: "/admin/competences", ADMIN_PAGE),
    "planning.archive_competence": Case(
        "POST",
        p("competence", "/admin/competences/{id}/archive"),
        ADMIN_ACTION,
        changes=column(Competence, "competence", "archived_at"),
    ),
    "planning.student": Case("GET", w("student", "/planning/students/{id}"), PLANNER),
    "planning.add_absence": Case(
        "POST",
        w("student", "/planning/students/{id}/absences"),
        STAFF_ACTION,
        data=lambda s: {
            "absence-start_date": week(s),
            "absence-end_date": week(s),
            "absence-half": "",
            "absence-reason": "Stage",
        },
        changes=count(Absence),
    ),
    "planning.delete_absence": Case(
        "POST", p("absence", "/planning/absences/{id}/delete"), STAFF_ACTION, changes=count(Absence)
    ),
    "planning.add_medical": Case(
        "POST",
        w("student", "/planning/students/{id}/medical"),
        STAFF_ACTION,
        data=lambda s: {
            "medical-given_on": "2026-09-01",
            "medical-valid_until": "2027-08-31",
            "medical-fit": "y",
        },
        changes=count(MedicalOpinion),
    ),
    "planning.add_training": Case(
        "POST",
        w("student", "/planning/students/{id}/trainings"),
        STAFF_ACTION,
        data=lambda s: {"training-machine_id": s.world.machine.id, "training-trained_on": "2026-09-15"},
        changes=count(SafetyTraining),
    ),
    "planning.student_account": Case(
        "POST",
        p("classmate", "/planning/students/{id}/account"),
        ADMIN_ACTION,
        data=lambda s: {
            "account-email": "lina@eleves.example.com",
            "account-password": "a-long-password-2",
        },
        changes=lambda s: db.session.get(Student, s.plan.classmate.id).user_id,
    ),
    "planning.my_tasks": Case("GET", lambda s: "/my-tasks", STUDENT_ONLY),
    "planning.log_own_time": Case(
        "POST",
        p("operation", "/my-tasks/operations/{id}/time"),
        expect(403, anonymous=302, student=302),
        data=lambda s: {
            f"t{s.plan.operation.id}-day": local_today().isoformat(),
            f"t{s.plan.operation.id}-hours": "2",
        },
        changes=count(TimeLog),
    ),
    "minors.register": Case("GET", lambda s: "/minors/", STAFF_PAGE),
    "minors.register_pdf": Case("GET", lambda s: "/minors/register.pdf", STAFF_PAGE),
    "minors.add_declaration": Case(
        "POST",
        lambda s: "/minors/declarations",
        expect(403, anonymous=302, admin=302, other_admin=400),  # another school's machine: refused
        data=lambda s: {
            "declared_on": "2026-09-01",
            "work_covered": "Perçage",
            "reference": "DD-2",
            "machine_ids": s.world.machine.id,
        },
        changes=count(DerogationDeclaration),
    ),
    "minors.delete_declaration": Case(
        "POST",
        p("declaration", "/minors/declarations/{id}/delete"),
        ADMIN_ACTION,
        changes=count(DerogationDeclaration),
    ),
    "skills.record": Case("GET", w("student", "/skills/students/{id}"), PLANNER),
    "skills.record_pdf": Case("GET", w("student", "/skills/students/{id}.pdf"), PLANNER),
    "skills.record_csv": Case("GET", w("student", "/skills/students/{id}.csv"), PLANNER),
}


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_as_every_role(app, factory, endpoint):
    run_case(app, factory, endpoint, ROUTES[endpoint])
