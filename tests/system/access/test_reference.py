"""The access matrix: the school, the platform, customers, workshops, students."""

from __future__ import annotations

import pytest

from ecoprod.accounts import services as accounts
from ecoprod.accounts.models import User
from ecoprod.customers.models import Contact
from ecoprod.extensions import db
from ecoprod.students.models import Student
from tests.system.access.scene import (
    ADMIN_ACTION,
    ADMIN_OBJECT,
    ADMIN_PAGE,
    OPERATOR_PAGE,
    Case,
    expect,
    run_case,
    w,
)

ROUTES: dict[str, Case] = {
    "schools.settings": Case("GET", lambda s: "/admin/school", ADMIN_PAGE),
    "schools.logo": Case(
        "GET",
        lambda s: "/school/logo",
        expect(200, anonymous=302, operator=403, other_admin=404, student=403),
    ),
    "platform.schools": Case("GET", lambda s: "/platform/schools", OPERATOR_PAGE),
    "platform.network_audit": Case("GET", lambda s: "/platform/audit", OPERATOR_PAGE),
    "platform.network_audit_csv": Case("GET", lambda s: "/platform/audit.csv", OPERATOR_PAGE),
    "platform.school_audit": Case("GET", lambda s: "/admin/audit", ADMIN_PAGE),
    "platform.school_audit_csv": Case("GET", lambda s: "/admin/audit.csv", ADMIN_PAGE),
    "schools.platform_new_school": Case("GET", lambda s: "/platform/schools/new", OPERATOR_PAGE),
    "customers.index": Case("GET", lambda s: "/admin/customers/", ADMIN_PAGE),
    "customers.new": Case("GET", lambda s: "/admin/customers/new", ADMIN_PAGE),
    "customers.detail": Case("GET", w("company", "/admin/customers/{id}"), ADMIN_OBJECT),
    "customers.edit": Case("GET", w("company", "/admin/customers/{id}/edit"), ADMIN_OBJECT),
    "customers.archive": Case(
        "POST",
        w("company", "/admin/customers/{id}/archive"),
        ADMIN_ACTION,
        changes=lambda s: s.world.company.archived_at,
    ),
    "customers.restore": Case("POST", w("company", "/admin/customers/{id}/restore"), ADMIN_ACTION),
    "customers.new_contact": Case("GET", w("company", "/admin/customers/{id}/contacts/new"), ADMIN_OBJECT),
    "customers.edit_contact": Case(
        "GET", lambda s: f"/admin/customers/contacts/{s.contact.id}/edit", ADMIN_OBJECT
    ),
    "customers.delete_contact": Case(
        "POST",
        lambda s: f"/admin/customers/contacts/{s.contact.id}/delete",
        ADMIN_ACTION,
        changes=lambda s: db.session.get(Contact, s.contact.id) is not None,
    ),
    "customers.invite_user": Case(
        "POST",
        w("company", "/admin/customers/{id}/users"),
        ADMIN_ACTION,
        data=lambda s: {"full_name": "Nouvel Acheteur", "email": "acheteur@zephyr.example.com"},
        changes=lambda s: accounts.find_user_by_email("acheteur@zephyr.example.com") is None,
    ),
    "workshops.index": Case("GET", lambda s: "/admin/workshops/", ADMIN_PAGE),
    "workshops.new": Case("GET", lambda s: "/admin/workshops/new", ADMIN_PAGE),
    "workshops.detail": Case("GET", w("machining", "/admin/workshops/{id}"), ADMIN_OBJECT),
    "workshops.edit": Case("GET", w("machining", "/admin/workshops/{id}/edit"), ADMIN_OBJECT),
    "workshops.archive": Case(
        "POST",
        w("machining", "/admin/workshops/{id}/archive"),
        ADMIN_ACTION,
        changes=lambda s: s.world.machining.archived_at,
    ),
    "workshops.new_machine": Case("GET", w("machining", "/admin/workshops/{id}/machines/new"), ADMIN_OBJECT),
    "workshops.edit_machine": Case("GET", w("machine", "/admin/workshops/machines/{id}/edit"), ADMIN_OBJECT),
    "workshops.archive_machine": Case(
        "POST",
        w("machine", "/admin/workshops/machines/{id}/archive"),
        ADMIN_ACTION,
        changes=lambda s: s.world.machine.archived_at,
    ),
    "students.index": Case("GET", lambda s: "/admin/students/", ADMIN_PAGE),
    "students.new": Case("GET", lambda s: "/admin/students/new", ADMIN_PAGE),
    "students.edit": Case("GET", w("student", "/admin/students/{id}/edit"), ADMIN_OBJECT),
    "students.archive": Case(
        "POST",
        w("student", "/admin/students/{id}/archive"),
        ADMIN_ACTION,
        changes=lambda s: s.world.student.archived_at,
    ),
    "platform.student_data": Case("GET", w("student", "/admin/students/{id}/data.zip"), ADMIN_OBJECT),
    "platform.account_data": Case("GET", w("customer_user", "/admin/users/{id}/data.json"), ADMIN_OBJECT),
    "platform.erase_account": Case(
        "POST",
        w("customer_user", "/admin/users/{id}/erase"),
        ADMIN_ACTION,
        data=lambda s: {"confirm": s.world.customer_user.full_name},
        changes=lambda s: db.session.get(User, s.world.customer_user.id).full_name,
    ),
    "platform.erase_student": Case(
        "POST",
        w("student", "/admin/students/{id}/erase"),
        ADMIN_ACTION,
        data=lambda s: {"confirm": "Théo Secretnom"},
        changes=lambda s: db.session.get(Student, s.world.student.id).last_name,
    ),
}


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_as_every_role(app, factory, endpoint):
    run_case(app, factory, endpoint, ROUTES[endpoint])
