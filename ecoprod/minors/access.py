"""Who sees the minors' register: the school's staff; who declares: its administrators
(the orders' pattern: ``load_*_or_404`` for one record, ``can_*`` flags for templates)."""

from __future__ import annotations

from ecoprod.accounts.models import User
from ecoprod.minors.models import DerogationDeclaration
from ecoprod.students.models import Student
from ecoprod.visibility import found_if


def can_see_register(user: User) -> bool:
    return user.is_staff


def can_see_medical(user: User, student: Student) -> bool:
    """A student's medical opinions: the administrators and the masters of the student's
    workshop, nobody else (the other masters see the register without them)."""
    return user.is_admin or (user.is_master and student.workshop_id in {w.id for w in user.workshops})


def can_declare(user: User) -> bool:
    return user.is_admin


def load_declaration_or_404(declaration_id: int, user: User) -> DerogationDeclaration:
    return found_if(can_see_register(user), DerogationDeclaration, declaration_id)
