"""Who sees the minors' register: the school's staff; who declares: its administrators
(the orders' pattern: ``load_*_or_404`` for one record, ``can_*`` flags for templates)."""

from __future__ import annotations

from flask import abort

from ecoprod.accounts.models import User
from ecoprod.extensions import db
from ecoprod.minors.models import DerogationDeclaration


def can_see_register(user: User) -> bool:
    return user.is_staff


def can_declare(user: User) -> bool:
    return user.is_admin


def load_declaration_or_404(declaration_id: int, user: User) -> DerogationDeclaration:
    declaration = db.get_or_404(DerogationDeclaration, declaration_id)
    if not can_see_register(user):
        abort(404)
    return declaration
